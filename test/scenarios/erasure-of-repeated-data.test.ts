import { describe, expect, it } from "vitest";
import {
	act,
	api,
	confirmPick,
	d1Rows,
	dueAlarm,
	eventually,
	fireAlarm,
	getStatus,
	injectFault,
	journalRowsOf,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	pickToken,
	placeOrder,
	settle,
	storedText,
} from "../helpers";

const EMAIL = "ada@example.com";
const STREET = "12 St James's Square";
const POSTCODE = "SW1Y 4JH";

/** What the project keeps or sends about the order outside its personal-data row: the journal, D1, the alerts posted. */
async function outsideTheRow(orderId: string): Promise<string> {
	const journal = JSON.stringify(await journalRowsOf(orderId));
	const deadLetters = await d1Rows("dead_letters", orderId);
	const alerts = (await ledger(orderId)).alerts;
	return [journal, JSON.stringify(deadLetters), JSON.stringify(alerts)].join("\n");
}

/** Everywhere the project keeps or sends something about the order: its object, its history, D1, the alerts posted. */
async function everywhere(orderId: string): Promise<string> {
	const history = await api(`/orders/${orderId}/history`, { key: OPERATOR_KEY });
	return [await storedText(orderId), await history.text(), await outsideTheRow(orderId)].join("\n");
}

/** Lets the order's retention pass: its alarm erases the personal data. */
async function erase(orderId: string): Promise<void> {
	await eventually(
		() => dueAlarm(orderId),
		(at) => at !== null && at > Date.now() + 86_400_000,
	);
	await fireAlarm(orderId);
	expect((await getStatus(orderId)).customer.email).toBe("[erased]");
}

describe("erasure reaches what a downstream repeated of the customer's data", () => {
	it("an email service that names the mailbox it refused: nothing of it is kept, before or after erasure", async () => {
		const orderId = newOrderId("repeated-email");
		await injectFault({
			service: "email",
			operation: "send",
			orderId,
			fault: "error",
			status: 422,
			code: "mailbox_unknown",
			message: `mailbox ${EMAIL.toUpperCase()} does not exist`,
		});
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		expect((await settle(orderId)).status).toBe("waiting");
		expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
		const done = await settle(orderId);
		expect(done).toMatchObject({ status: "completed", needsAttention: true });
		// The operator still learns what went wrong, without the address in it.
		expect(done.failure?.message ?? "").not.toContain(EMAIL);
		const operator = await (await api(`/orders/${orderId}`, { key: OPERATOR_KEY })).json<{
			failure: { message: string };
		}>();
		expect(operator.failure.message).toContain("mailbox [personal data] does not exist");
		await eventually(
			() => d1Rows("dead_letters", orderId),
			(rows) => rows.length === 1,
		);
		await eventually(
			async () => (await ledger(orderId)).alerts.length,
			(n) => n >= 1,
		);
		expect((await outsideTheRow(orderId)).toLowerCase()).not.toContain(EMAIL);

		expect((await act(orderId, "resolve")).status).toBe(202);
		await settle(orderId);
		await erase(orderId);
		expect((await everywhere(orderId)).toLowerCase()).not.toContain(EMAIL);
	});

	it("a carrier that repeats the address it could not deliver to: gone from the journal, D1 and the alerts", async () => {
		const orderId = newOrderId("repeated-address");
		await injectFault({
			service: "shipping",
			operation: "ship",
			orderId,
			fault: "error",
			status: 422,
			code: "address_not_deliverable",
			message: `address not deliverable: ${STREET},  London ${POSTCODE}`,
		});
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		const before = await outsideTheRow(orderId);
		expect(before).not.toContain(STREET);
		expect(before).not.toContain(POSTCODE);
		await erase(orderId);
		const after = await everywhere(orderId);
		for (const piece of [EMAIL, STREET, POSTCODE, "London"]) expect(after).not.toContain(piece);
	});
});
