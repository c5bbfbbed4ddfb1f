import { describe, expect, it } from "vitest";
import { getHistory, injectFault, ledger, newOrderId, orderBody, placeOrder, requestsFor, settle } from "../helpers";

describe("the timeout trap: the charge took effect, the answer was lost", () => {
	it("retries with the same idempotency key and charges exactly once", async () => {
		const orderId = newOrderId("charge-timeout");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after" });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", status: "succeeded", attempts: 2 });

		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		const charges = requestsFor(l, "charge");
		expect(charges.map((r) => r.idempotencyKey)).toEqual([`${orderId}:charge-payment`, `${orderId}:charge-payment`]);

		const failed = (await getHistory(orderId)).find((e) => e.type === "step_failed");
		expect(failed).toMatchObject({ step: "charge-payment", error: { kind: "unknown_outcome", code: "timeout" } });
	});

	it("a timeout before any effect is retried just the same, and charges once", async () => {
		const orderId = newOrderId("charge-timeout-before");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_before", times: 2 });
		await placeOrder(orderBody(orderId));
		expect((await settle(orderId)).status).toBe("waiting");
		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		expect(requestsFor(l, "charge")).toHaveLength(3);
	});

	it("when every attempt times out, the order needs attention rather than guessing", async () => {
		const orderId = newOrderId("charge-always-timeout");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after", times: 100 });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "needs_attention",
			failure: { step: "charge-payment", code: "outcome_unknown" },
		});
		expect((await ledger(orderId)).charges).toHaveLength(1);
	});
});
