import { describe, expect, it } from "vitest";
import { effectCounts, ledger, newOrderId, orderBody, placeOrder, requestsFor, settle } from "../helpers";

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
});
