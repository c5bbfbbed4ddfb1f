import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import { act, getHistory, injectFault, newOrderId, outOfStockOrder, placeOrder, settle } from "../helpers";

/** An out-of-stock order whose refund fails `times` times with a 500: after five, it needs attention. */
async function refundKeepsFailing(label: string, times: number): Promise<string> {
	const orderId = newOrderId(label);
	await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 500, times });
	await placeOrder(outOfStockOrder(orderId));
	expect((await settle(orderId)).status).toBe("needs_attention");
	return orderId;
}

describe("a redriven step", () => {
	it("backs off as at the start of a budget, not as after its sixth attempt", async () => {
		const orderId = await refundKeepsFailing("redrive-backoff", 7);
		expect((await act(orderId, "retry")).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		const retries = (await getHistory(orderId)).filter(
			(e) => e.type === "step_failed" && e.step === "charge-payment:undo" && e.attempt > 5,
		);
		expect(retries.map((e) => (e.type === "step_failed" ? e.attempt : 0))).toEqual([6, 7]);
		retries.forEach((e, i) => {
			if (e.type !== "step_failed" || e.retryAt === null) throw new Error("expected a retry");
			const bound = DEFAULT_RETRY_POLICY.initialDelayMs * DEFAULT_RETRY_POLICY.backoffFactor ** i;
			expect(Date.parse(e.retryAt) - Date.parse(e.at)).toBeLessThan(bound);
		});
	});
});

describe("an Idempotency-Key sent again", () => {
	it("for the same action: 200 and nothing more; for another action on the order: 422", async () => {
		const orderId = await refundKeepsFailing("key-reuse", 5);
		const first = await act(orderId, "retry", { idempotencyKey: "fix-1" });
		expect(first.status).toBe(202);
		expect((await act(orderId, "retry", { idempotencyKey: "fix-1" })).status).toBe(200);
		const other = await act(orderId, "resolve", { idempotencyKey: "fix-1" });
		expect(other.status).toBe(422);
		expect(await other.json()).toMatchObject({ type: "/problems/idempotency-key-reused" });
		const actions = (await getHistory(orderId)).filter((e) => e.type === "operator_action");
		expect(actions).toHaveLength(1);
	});
});
