import { describe, expect, it } from "vitest";
import { api, eventually, getHistory, newOrderId, OPERATOR_KEY, placeChargedThenUnanswered, settle } from "../helpers";

interface BulkAnswer {
	dryRun: boolean;
	orders: { orderId: string; outcome: string; steps: string[]; status: string | null }[];
	nextCursor: string | null;
}

const bulkRetry = async (query: string, idempotencyKey?: string) => {
	const response = await api(`/orders/retry?${query}`, {
		method: "POST",
		key: OPERATOR_KEY,
		body: { reason: "payments gateway fixed" },
		headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {},
	});
	expect(response.status, await response.clone().text()).toBe(200);
	return (await response.json()) as BulkAnswer;
};

describe("bulk redrive", () => {
	it("lists what would run with dryRun, then redrives every matching order in batches with a cursor", async () => {
		const orderIds = [newOrderId("bulk"), newOrderId("bulk")];
		for (const orderId of orderIds) {
			await placeChargedThenUnanswered(orderId);
			expect((await settle(orderId)).status).toBe("needs_attention");
		}
		const filter = "status=needs_attention&failureStep=charge-payment&failure=outcome_unknown";
		const dry = await eventually(
			() => bulkRetry(`${filter}&dryRun=true`),
			(answer) => answer.orders.length === 2,
		);
		expect(dry.dryRun).toBe(true);
		expect(dry.orders.map((o) => o.orderId).sort()).toEqual([...orderIds].sort());
		for (const order of dry.orders) expect(order).toMatchObject({ outcome: "dry_run", steps: ["charge-payment"] });
		for (const orderId of orderIds)
			expect((await getHistory(orderId)).some((e) => e.type === "operator_action")).toBe(false);

		// For real, one order per batch: the cursor leads to the next.
		const first = await bulkRetry(`${filter}&limit=1`, "bulk-1");
		expect(first.orders).toHaveLength(1);
		expect(first.orders[0]).toMatchObject({ outcome: "accepted", steps: ["charge-payment"] });
		expect(first.nextCursor).not.toBeNull();
		const second = await bulkRetry(`${filter}&limit=1&cursor=${first.nextCursor}`, "bulk-1");
		expect(second.orders).toHaveLength(1);
		expect(second.orders[0]?.orderId).not.toBe(first.orders[0]?.orderId);

		// The same batch again under the same key is a repeat, not a second redrive.
		const repeated = await bulkRetry(`${filter}&limit=1`, "bulk-1");
		expect(repeated.orders[0]).toMatchObject({ outcome: "repeated" });

		for (const orderId of orderIds) {
			expect((await settle(orderId)).status).toBe("compensated");
			const actions = (await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");
			expect(actions).toHaveLength(1);
			expect(actions[0]).toMatchObject({ action: "retry", actor: "operator:alice", reason: "payments gateway fixed" });
		}
	});

	it("refuses a client key and a bad filter", async () => {
		const client = await api("/orders/retry", { method: "POST", body: { reason: "x" } });
		expect(client.status).toBe(403);
		const bad = await api("/orders/retry?status=sleeping", {
			method: "POST",
			key: OPERATOR_KEY,
			body: { reason: "x" },
		});
		expect(bad.status).toBe(400);
	});
});
