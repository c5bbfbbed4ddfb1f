import { describe, expect, it } from "vitest";
import {
	act,
	api,
	dueAlarm,
	eventually,
	fireAlarm,
	getHistory,
	getStatus,
	journalRowsOf,
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

		const journal = JSON.stringify(await journalRowsOf(orderId));
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

	it("once erased, a repeated placement confirms no guess of the erased data; the rest is still compared", async () => {
		const orderId = newOrderId("pii-again");
		await placeOrder(outOfStockOrder(orderId));
		await settle(orderId);
		// Before the erasure the caller may read the data anyway: another email is another body, 422.
		const early = outOfStockOrder(orderId);
		early.customer.email = "grace@example.com";
		expect((await placeOrder(early)).status).toBe(422);
		await dueAlarm(orderId);
		await fireAlarm(orderId);
		expect((await getStatus(orderId)).customer.email).toBe("[erased]");

		// The right guess and a wrong one get the same answer: nothing tells them apart.
		const again = await placeOrder(outOfStockOrder(orderId));
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ status: "compensated", customer: { email: "[erased]" } });
		for (const guess of ["grace@example.com", "ada@example.org"]) {
			const changed = outOfStockOrder(orderId);
			changed.customer.email = guess;
			changed.shippingAddress.line1 = "1 Another Street";
			const answer = await placeOrder(changed);
			expect(answer.status).toBe(200);
			expect(await answer.json()).toMatchObject({ customer: { email: "[erased]" }, shippingAddress: "[erased]" });
		}
		// What was not erased is still the order's: other items are another order under its id.
		const otherItems = outOfStockOrder(orderId);
		otherItems.items[0] = { sku: "OOS-CHAIR", quantity: 1, unitPriceCents: 100 };
		expect((await placeOrder(otherItems)).status).toBe(422);
		// Nothing kept about the erased data lets a guess be checked later either: no digest of it stays.
		expect(await storedText(orderId)).not.toMatch(/"digest":"[0-9a-f]{64}"/);
	});

	it("answers that carry personal data are never stored by a cache: Cache-Control: no-store", async () => {
		const orderId = newOrderId("pii-cache");
		const placed = await placeOrder(outOfStockOrder(orderId));
		expect(placed.status).toBe(202);
		const answers = [
			placed,
			await placeOrder(outOfStockOrder(orderId)),
			await api(`/orders/${orderId}`),
			await api(`/orders/${orderId}/history`),
			await act(orderId, "cancel", { reason: "no longer wanted", dryRun: true }),
			await api(`/orders/${orderId}`, { key: "test-operator-key-01" }),
			await api("/orders/no-such-order"),
		];
		for (const answer of answers) expect(answer.headers.get("Cache-Control"), answer.url).toBe("no-store");
		await settle(orderId);
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
