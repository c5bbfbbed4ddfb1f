import { describe, expect, it } from "vitest";
import {
	API_KEY,
	act,
	effectCounts,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

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

describe("the timeout trap, then a 'key in use'", () => {
	it("a 409 after a timed-out charge settles nothing: retried under the same key, the charge is learned, charged once", async () => {
		const orderId = newOrderId("timeout-then-409");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after" });
		// A Stripe-like "key in use" answer to the retry, while the first request may still be running.
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 409 });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", status: "succeeded", attempts: 3 });
		expect((await getHistory(orderId)).filter((e) => e.type === "step_failed").map((e) => e.error.kind)).toEqual([
			"unknown_outcome",
			"retryable",
		]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});

	it("a cancel while the charge's outcome is unknown: the charge is learned under its key, then undone", async () => {
		const orderId = newOrderId("cancel-unknown");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after" });
		await placeOrder(orderBody(orderId));
		await settle(orderId, (s) => s.steps[0]?.status === "retrying");
		expect((await act(orderId, "cancel", { key: API_KEY })).status).toBe(202);
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "cancelled", failure: { code: "cancelled" } });
		expect(status.steps.map((s) => [s.name, s.status])).toEqual([
			["charge-payment", "succeeded"],
			["charge-payment:undo", "succeeded"],
		]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0 });
	});
});
