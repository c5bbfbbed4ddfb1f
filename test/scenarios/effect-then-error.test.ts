import { describe, expect, it } from "vitest";
import {
	act,
	cannotTell,
	confirmPick,
	d1Rows,
	effectCounts,
	eventually,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	pickToken,
	placeChargedThenUnanswered,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

// The provider applies the operation, then something between it and us spoils the answer: a gateway's
// 5xx, a body that is not the documented one, a connection reset mid-answer. Each may have taken effect.

describe("the charge takes effect, then the answer is an error", () => {
	it("a 502 on every attempt, and payments can tell: the order completes with one charge and no person", async () => {
		const orderId = newOrderId("charged-502-verified");
		await injectFault({
			service: "payments",
			operation: "charge",
			orderId,
			fault: "error_after",
			status: 502,
			times: 5,
		});
		await placeOrder(orderBody(orderId));
		const waiting = await settle(orderId);
		expect(waiting).toMatchObject({ status: "waiting", needsAttention: false, failure: null });
		expect(waiting.steps[0]).toMatchObject({ status: "succeeded", attempts: 1, verification: "applied" });
		expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
		expect(await settle(orderId)).toMatchObject({ status: "completed", needsAttention: false, failure: null });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0, emails: 1 });
		expect(requestsFor(await ledger(orderId), "charge")).toHaveLength(1);
		expect(await d1Rows("dead_letters", orderId)).toEqual([]);
	});

	it("a 502 on every attempt, payments unable to tell: the order needs attention, never a silent compensation; a redrive learns and refunds", async () => {
		const orderId = newOrderId("charged-502");
		await placeChargedThenUnanswered(orderId);
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "needs_attention",
			needsAttention: true,
			failure: { step: "charge-payment", code: "outcome_unknown" },
		});
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
		await eventually(
			() => d1Rows("dead_letters", orderId),
			(rows) => rows.length === 1,
		);

		// A person redrives: the charge is asked again under its key, learned, and refunded.
		expect((await act(orderId, "retry")).status).toBe(202);
		const redriven = await settle(orderId);
		expect(redriven).toMatchObject({ status: "compensated", failure: { step: "charge-payment" } });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0 });
		expect(requestsFor(await ledger(orderId), "charge").map((r) => r.idempotencyKey)).toEqual(
			Array(6).fill(`${orderId}:charge-payment`),
		);
	});

	it("a 200 whose body is not the documented JSON, on every attempt, payments unable to tell: the order needs attention", async () => {
		const orderId = newOrderId("charged-garbage");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "garbage_after", times: 5 });
		await cannotTell(orderId, "payments");
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "needs_attention", failure: { code: "outcome_unknown" } });
		expect(status.steps[0]?.lastError).toMatchObject({ kind: "unknown_outcome", code: "unreadable_response" });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});

	it("a connection reset mid-answer, once: payments says the charge was applied, charged once, nothing sent again", async () => {
		const orderId = newOrderId("charged-reset");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "reset_after" });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps[0]).toMatchObject({ status: "succeeded", attempts: 1, verification: "applied" });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});
});

describe("the reservation takes effect, then the answer is an error, every time", () => {
	it("inventory unable to tell: the charge is refunded, and the order needs attention for the reservation that may exist", async () => {
		const orderId = newOrderId("reserved-503");
		await injectFault({
			service: "inventory",
			operation: "reserve",
			orderId,
			fault: "error_after",
			status: 503,
			times: 5,
		});
		await cannotTell(orderId, "inventory");
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "needs_attention",
			failure: { step: "reserve-inventory", code: "outcome_unknown" },
		});
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 1, releases: 0 });

		expect((await act(orderId, "retry")).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 1, releases: 1 });
	});
});
