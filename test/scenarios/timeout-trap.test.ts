import { describe, expect, it } from "vitest";
import {
	cancelWhileCharging,
	cannotTell,
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
	it("asks payments what became of its key: the charge is learned, and nothing is sent again", async () => {
		const orderId = newOrderId("charge-timeout");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after" });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", status: "succeeded", attempts: 1 });
		expect(status.steps[0]).toMatchObject({ verification: "applied", verifiedAt: expect.any(String) });

		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		expect(requestsFor(l, "charge")).toHaveLength(1);
		expect(requestsFor(l, "verify").map((r) => r.idempotencyKey)).toEqual([`${orderId}:charge-payment`]);

		const history = await getHistory(orderId);
		const failed = history.find((e) => e.type === "step_failed");
		expect(failed).toMatchObject({ step: "charge-payment", error: { kind: "unknown_outcome", code: "timeout" } });
		expect(history.find((e) => e.type === "step_verified")).toMatchObject({
			step: "charge-payment",
			answer: "applied",
			fence: 1,
			result: { id: l.charges[0]?.id },
		});
	});

	it("when payments cannot tell, retries with the same idempotency key and charges exactly once", async () => {
		const orderId = newOrderId("charge-timeout-unverified");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after" });
		await cannotTell(orderId, "payments");
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps[0]).toMatchObject({ status: "succeeded", attempts: 2, verification: "unknown" });
		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		expect(requestsFor(l, "charge").map((r) => r.idempotencyKey)).toEqual([
			`${orderId}:charge-payment`,
			`${orderId}:charge-payment`,
		]);
	});

	it("a timeout before any effect: payments says absent and fences the key, the retry charges once", async () => {
		const orderId = newOrderId("charge-timeout-before");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_before", times: 2 });
		await placeOrder(orderBody(orderId));
		expect((await settle(orderId)).status).toBe("waiting");
		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		expect(requestsFor(l, "charge")).toHaveLength(3);
		const answers = (await getHistory(orderId)).flatMap((e) =>
			e.type === "step_verified" ? [[e.answer, e.fence]] : [],
		);
		expect(answers).toEqual([
			["absent", 1],
			["absent", 2],
		]);
	});

	it("when every attempt times out and payments never answers, the order needs attention rather than guessing", async () => {
		const orderId = newOrderId("charge-always-timeout");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after", times: 100 });
		await cannotTell(orderId, "payments");
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "needs_attention",
			failure: { step: "charge-payment", code: "outcome_unknown" },
		});
		expect((await ledger(orderId)).charges).toHaveLength(1);
		// One question before each retry, then the verify policy's three when the budget ran out: then a person.
		const verified = (await getHistory(orderId)).filter((e) => e.type === "step_verified");
		expect(verified.map((e) => e.answer)).toEqual(Array(7).fill("unknown"));
	});
});

describe("the timeout trap, then a 'key in use'", () => {
	it("a 409 after a timed-out charge settles nothing: asked again before the next retry, the charge is learned, charged once", async () => {
		const orderId = newOrderId("timeout-then-409");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after" });
		// A Stripe-like "key in use" answer to the retry, while the first request may still be running.
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 409 });
		await cannotTell(orderId, "payments", 1);
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		// The first question failed, the retry was told "key in use": still in doubt, payments is asked again.
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", status: "succeeded", attempts: 2 });
		expect(status.steps[0]?.verification).toBe("applied");
		expect((await getHistory(orderId)).filter((e) => e.type === "step_failed").map((e) => e.error.kind)).toEqual([
			"unknown_outcome",
			"retryable",
		]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});

	it("a cancel while the charge's outcome is unknown: payments says it was charged, and it is undone", async () => {
		const orderId = newOrderId("cancel-unknown");
		// Every attempt times out until the cancel comes: a retry whose backoff drew a few ms may go before it.
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after", times: 5 });
		await cannotTell(orderId, "payments", 1);
		const status = await cancelWhileCharging(orderId);
		expect(status.steps.map((s) => [s.name, s.status, s.verification])).toEqual([
			["charge-payment", "succeeded", "applied"],
			["charge-payment:undo", "succeeded", null],
		]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0 });
		const keys = new Set(requestsFor(await ledger(orderId), "charge").map((r) => r.idempotencyKey));
		expect(keys.size).toBe(1);
	});
});
