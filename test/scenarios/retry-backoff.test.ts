import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import { getHistory, injectFault, ledger, newOrderId, orderBody, placeOrder, requestsFor, settle } from "../helpers";

describe("retries with backoff", () => {
	it("500, 500, then success: retried inside the policy's backoff bounds", async () => {
		const orderId = newOrderId("retry-500");
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 500, times: 2 });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps.find((s) => s.name === "reserve-inventory")).toMatchObject({
			status: "succeeded",
			attempts: 3,
		});

		const failures = (await getHistory(orderId)).filter((e) => e.type === "step_failed");
		expect(failures).toHaveLength(2);
		failures.forEach((failure, i) => {
			if (failure.type !== "step_failed" || failure.retryAt === null) throw new Error("expected a scheduled retry");
			const delay = Date.parse(failure.retryAt) - Date.parse(failure.at);
			const bound = DEFAULT_RETRY_POLICY.initialDelayMs * DEFAULT_RETRY_POLICY.backoffFactor ** i;
			expect(delay).toBeGreaterThanOrEqual(0);
			expect(delay).toBeLessThan(bound);
			// A 500 may have taken effect: retried under the same key all the same, but never taken as "did not happen".
			expect(failure.error).toMatchObject({ kind: "unknown_outcome", code: "downstream_error" });
		});
		expect(requestsFor(await ledger(orderId), "reserve")).toHaveLength(3);
		expect((await ledger(orderId)).reservations).toHaveLength(1);
	});

	it("respects Retry-After from a 503", async () => {
		const orderId = newOrderId("retry-after");
		await injectFault({
			service: "payments",
			operation: "charge",
			orderId,
			fault: "error",
			status: 503,
			retryAfterSeconds: 30,
		});
		await placeOrder(orderBody(orderId));
		const retrying = await settle(orderId, (s) => s.steps[0]?.status === "retrying");
		const next = Date.parse(retrying.steps[0]?.nextAttemptAt ?? "");
		expect(next - Date.parse(retrying.updatedAt)).toBeGreaterThanOrEqual(30_000);
		expect((await settle(orderId)).status).toBe("waiting");
	});

	it("gives up after the policy's attempts of answers that say 'not done' and compensates what was done", async () => {
		const orderId = newOrderId("retry-exhausted");
		await injectFault({ service: "shipping", operation: "ship", orderId, fault: "error", status: 429, times: 100 });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "compensated",
			failure: { step: "schedule-shipping", code: "downstream_error" },
		});
		expect(status.steps.find((s) => s.name === "schedule-shipping")?.attempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
		const l = await ledger(orderId);
		expect([l.charges.length, l.refunds.length, l.reservations.length, l.releases.length]).toEqual([1, 1, 1, 1]);
		// Undone in reverse: release before refund.
		const undos = status.steps.filter((s) => s.name.endsWith(":undo")).map((s) => s.name);
		expect(undos).toEqual(["reserve-inventory:undo", "charge-payment:undo"]);
	});
});
