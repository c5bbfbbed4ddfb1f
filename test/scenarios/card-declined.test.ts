import { describe, expect, it } from "vitest";
import {
	api,
	effectCounts,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

describe("the card is declined", () => {
	it("fails at once, with nothing to undo", async () => {
		const orderId = newOrderId("declined");
		await placeOrder(orderBody(orderId, { paymentMethod: "pm_card_declined" }));
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "compensated", failure: { step: "charge-payment", code: "card_declined" } });
		expect(status.steps.map((s) => s.name)).toEqual(["charge-payment"]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 0, refunds: 0, reservations: 0 });
		expect(requestsFor(await ledger(orderId), "charge")).toHaveLength(1);
	});

	it("tells the client the code in neutral words, never the service's URL or answer; an operator the details", async () => {
		const orderId = newOrderId("declined-words");
		await placeOrder(orderBody(orderId, { paymentMethod: "pm_card_declined" }));
		const status = await settle(orderId);
		expect(status.failure).toEqual({
			step: "charge-payment",
			code: "card_declined",
			message: "charge-payment failed (card_declined)",
		});
		const client = JSON.stringify([status, await (await api(`/orders/${orderId}/history`)).json()]);
		expect(client).not.toContain("sandbox.test");
		expect(client).not.toContain("answered 402");

		const operator = await (await api(`/orders/${orderId}/history`, { key: OPERATOR_KEY })).text();
		expect(operator).toContain("https://sandbox.test/payments/charges answered 402");
	});
});
