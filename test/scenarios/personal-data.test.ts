import { describe, expect, it } from "vitest";
import {
	act,
	dueAlarm,
	eventually,
	fireAlarm,
	getHistory,
	getStatus,
	inObject,
	newOrderId,
	outOfStockOrder,
	placeChargedThenUnanswered,
	placeOrder,
	settle,
	storedText,
} from "../helpers";

const DAY = 86_400_000;
const EMAIL = "ada@example.com";
const STREET = "12 St James's Square";

describe("personal data: kept apart from the journal, erased 30 days after the order settles", () => {
	it("keeps email and address out of the journal, shows them until the retention ends, then [erased]", async () => {
		const orderId = newOrderId("pii");
		expect((await placeOrder(outOfStockOrder(orderId))).status).toBe(202);
		const settled = await settle(orderId);
		expect(settled.status).toBe("compensated");
		expect(settled.customer.email).toBe(EMAIL);
		expect(settled.shippingAddress).toMatchObject({ line1: STREET });

		const journal = await inObject(orderId, (_, state) =>
			JSON.stringify(state.storage.sql.exec("SELECT events FROM journal").toArray()),
		);
		expect(journal).not.toContain(EMAIL);
		expect(journal).not.toContain(STREET);
		// The history still shows the order as placed, personal data read from where it is kept.
		const started = (await getHistory(orderId)).find((e) => e.type === "workflow_started");
		expect(started).toMatchObject({ input: { customer: { email: EMAIL }, shippingAddress: { line1: STREET } } });

		// The erasure is the object's own timer: 30 days after the order settled, not before.
		const due = await dueAlarm(orderId);
		expect(due).toBe(Date.parse(settled.updatedAt) + 30 * DAY);
		expect((await getStatus(orderId)).customer.email).toBe(EMAIL);
		await fireAlarm(orderId);

		const erased = await getStatus(orderId);
		expect(erased).toMatchObject({ status: "compensated", customer: { id: "cus_1", email: "[erased]" } });
		expect(erased.shippingAddress).toBe("[erased]");
		expect(erased.updatedAt).toBe(settled.updatedAt);
		const history = await getHistory(orderId);
		expect(history.find((e) => e.type === "workflow_started")).toMatchObject({
			input: { customer: { email: "[erased]" }, shippingAddress: "[erased]", items: [{ sku: "OOS-LAMP" }] },
		});
		expect(history.at(-1)).toMatchObject({
			type: "data_erased",
			fields: ["customer.email", "shippingAddress"],
			reason: "retention",
		});
		// The rest of the history stays for audit: the compensation is all there.
		expect(history.map((e) => e.type)).toContain("compensation_started");
		const stored = await storedText(orderId);
		expect(stored).not.toContain(EMAIL);
		expect(stored).not.toContain(STREET);
		expect(await dueAlarm(orderId)).toBeNull();
	});

	it("answers a repeated placement as before once erased: same body 200, another body 422", async () => {
		const orderId = newOrderId("pii-again");
		await placeOrder(outOfStockOrder(orderId));
		await settle(orderId);
		await dueAlarm(orderId);
		await fireAlarm(orderId);
		expect((await getStatus(orderId)).customer.email).toBe("[erased]");

		const again = await placeOrder(outOfStockOrder(orderId));
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ status: "compensated", customer: { email: "[erased]" } });
		const changed = outOfStockOrder(orderId);
		changed.customer.email = "grace@example.com";
		expect((await placeOrder(changed)).status).toBe(422);
	});

	it("keeps the data of an order a person must look at; erases it 30 days after it is resolved", async () => {
		const orderId = newOrderId("pii-attention");
		await placeChargedThenUnanswered(orderId);
		expect(await settle(orderId)).toMatchObject({ status: "needs_attention", customer: { email: EMAIL } });
		// Once its notifications are out, nothing is due: a redrive may still need the address.
		await eventually(
			() => dueAlarm(orderId),
			(at) => at === null,
		);

		expect((await act(orderId, "resolve")).status).toBe(202);
		const resolved = await settle(orderId);
		expect(resolved.status).toBe("resolved");
		await eventually(
			() => dueAlarm(orderId),
			(at) => at === Date.parse(resolved.updatedAt) + 30 * DAY,
		);
		await fireAlarm(orderId);
		expect((await getStatus(orderId)).customer.email).toBe("[erased]");
	});
});
