import { describe, expect, it } from "vitest";
import {
	cannotTell,
	effectCounts,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	outOfStockOrder,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

describe("payment succeeds, inventory is out of stock", () => {
	it("refunds the charge and ends compensated", async () => {
		const orderId = newOrderId("oos");
		await placeOrder(outOfStockOrder(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "compensated",
			needsAttention: false,
			failure: { step: "reserve-inventory", code: "out_of_stock" },
		});
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0, shipments: 0 });
		// Out of stock is a refusal, not a fault: one request, no retry.
		expect(requestsFor(await ledger(orderId), "reserve")).toHaveLength(1);
		const types = (await getHistory(orderId)).map((e) => e.type);
		expect(types).toContain("compensation_started");
		expect(status.steps.find((s) => s.name === "charge-payment:undo")).toMatchObject({
			status: "succeeded",
			idempotencyKey: `${orderId}:charge-payment:undo`,
		});
	});

	it("a refund that timed out after it took effect: payments is asked about the undo's key, exactly one refund", async () => {
		const orderId = newOrderId("refund-timeout");
		await injectFault({ service: "payments", operation: "refund", orderId, fault: "timeout_after" });
		await placeOrder(outOfStockOrder(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("compensated");
		const l = await ledger(orderId);
		expect(l.refunds).toHaveLength(1);
		expect(requestsFor(l, "refund")).toHaveLength(1);
		expect(requestsFor(l, "verify").map((r) => r.idempotencyKey)).toEqual([`${orderId}:charge-payment:undo`]);
		expect(status.steps.find((s) => s.name === "charge-payment:undo")).toMatchObject({
			attempts: 1,
			verification: "applied",
		});
	});

	it("a refund that timed out when payments cannot tell: retried with the same key, exactly one refund", async () => {
		const orderId = newOrderId("refund-timeout-unverified");
		await injectFault({ service: "payments", operation: "refund", orderId, fault: "timeout_after" });
		await cannotTell(orderId, "payments");
		await placeOrder(outOfStockOrder(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("compensated");
		const l = await ledger(orderId);
		expect(l.refunds).toHaveLength(1);
		const refunds = requestsFor(l, "refund");
		expect(refunds).toHaveLength(2);
		expect(new Set(refunds.map((r) => r.idempotencyKey))).toEqual(new Set([`${orderId}:charge-payment:undo`]));
		expect(status.steps.find((s) => s.name === "charge-payment:undo")?.attempts).toBe(2);
	});

	it("goes to needs_attention when the refund keeps failing, never silently dropped", async () => {
		const orderId = newOrderId("refund-fails");
		await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 500, times: 100 });
		await placeOrder(outOfStockOrder(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "needs_attention",
			needsAttention: true,
			failure: { step: "charge-payment:undo", code: "downstream_error" },
		});
		expect(status.steps.find((s) => s.name === "charge-payment:undo")).toMatchObject({ status: "failed", attempts: 5 });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});
});
