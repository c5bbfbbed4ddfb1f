import { describe, expect, it } from "vitest";
import {
	API_KEY,
	act,
	api,
	cannotTell,
	confirmPick,
	d1Rows,
	effectCounts,
	eventually,
	getHistory,
	getStatus,
	injectFault,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeFailedRefund,
	placeOrder,
	placeUntilPick,
	requestsFor,
	settle,
} from "../helpers";

const episodeClosed = (orderId: string) =>
	eventually(
		async () => (await d1Rows("dead_letters", orderId)) as { status: string; closed_by: string }[],
		(rows) => rows[0]?.status === "closed",
	);

describe("redriving an order that needs attention", () => {
	it("a dry run says what would run and changes nothing", async () => {
		const orderId = await placeFailedRefund("dry-run");
		const before = { status: await getStatus(orderId), history: await getHistory(orderId) };
		const response = await act(orderId, "retry", { dryRun: true });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ outcome: "dry_run", steps: ["charge-payment:undo"] });
		expect(await getHistory(orderId)).toEqual(before.history);
		expect((await getStatus(orderId)).status).toBe("needs_attention");
		expect(await effectCounts(orderId)).toMatchObject({ refunds: 0 });
	});

	it("a failed undo runs again with a fresh budget and the same key: one refund, dead letter closed", async () => {
		const orderId = await placeFailedRefund("redrive-undo");
		const response = await act(orderId, "retry", { reason: "payments is back" });
		expect(response.status).toBe(202);
		expect(await response.json()).toMatchObject({ outcome: "accepted", steps: ["charge-payment:undo"] });
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "compensated", needsAttention: false });
		expect(status.steps.find((s) => s.name === "charge-payment:undo")).toMatchObject({
			status: "succeeded",
			attempts: 6,
		});
		const l = await ledger(orderId);
		expect(l.refunds).toHaveLength(1);
		expect(new Set(requestsFor(l, "refund").map((r) => r.idempotencyKey))).toEqual(
			new Set([`${orderId}:charge-payment:undo`]),
		);
		expect((await episodeClosed(orderId))[0]).toMatchObject({ closed_by: "operator:alice", closed_action: "retry" });
	});

	it("a step whose outcome was unknown, its service still unable to tell: retried under the same key, learned, then undone", async () => {
		const orderId = newOrderId("redrive-unknown");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after", times: 5 });
		await cannotTell(orderId, "payments");
		await placeOrder(orderBody(orderId));
		expect(await settle(orderId)).toMatchObject({ status: "needs_attention", failure: { code: "outcome_unknown" } });
		expect((await act(orderId, "retry")).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		const l = await ledger(orderId);
		expect([l.charges.length, l.refunds.length, l.reservations.length]).toEqual([1, 1, 0]);
		expect(new Set(requestsFor(l, "charge").map((r) => r.idempotencyKey))).toEqual(
			new Set([`${orderId}:charge-payment`]),
		);
	});

	it("a step whose outcome was unknown, its service able to tell again: asked before anything is sent, then undone", async () => {
		const orderId = newOrderId("redrive-verified");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_after", times: 5 });
		// One question before each of four retries, three when the budget ran out: then payments answers again.
		await cannotTell(orderId, "payments", 7);
		await placeOrder(orderBody(orderId));
		expect(await settle(orderId)).toMatchObject({ status: "needs_attention", failure: { code: "outcome_unknown" } });
		expect((await act(orderId, "retry")).status).toBe(202);
		const status = await settle(orderId);
		expect(status.status).toBe("compensated");
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", attempts: 5, verification: "applied" });
		const l = await ledger(orderId);
		expect([l.charges.length, l.refunds.length, l.reservations.length]).toEqual([1, 1, 0]);
		expect(requestsFor(l, "charge")).toHaveLength(5);
	});

	it("an email that failed after the point of no return is sent on redrive; nothing is refunded", async () => {
		const orderId = newOrderId("redrive-email");
		await injectFault({ service: "email", operation: "send", orderId, fault: "error", status: 503, times: 5 });
		const token = await placeUntilPick(orderBody(orderId));
		await confirmPick(orderId, token);
		expect(await settle(orderId)).toMatchObject({ status: "completed", needsAttention: true });
		expect((await act(orderId, "retry")).status).toBe(202);
		expect(await settle(orderId)).toMatchObject({ status: "completed", needsAttention: false, failure: null });
		expect(await effectCounts(orderId)).toMatchObject({ emails: 1, refunds: 0 });
	});

	it("is refused with 409 for an order that does not need attention", async () => {
		const orderId = newOrderId("redrive-healthy");
		await placeUntilPick(orderBody(orderId));
		expect((await act(orderId, "retry")).status).toBe(409);
		expect((await act(orderId, "resolve")).status).toBe(409);
	});
});

describe("resolving by hand", () => {
	it("ends the order resolved, records who and why, and closes the dead letter", async () => {
		const orderId = await placeFailedRefund("resolve");
		const response = await act(orderId, "resolve", { reason: "refunded by hand in the payments dashboard" });
		expect(response.status).toBe(202);
		expect((await settle(orderId)).status).toBe("resolved");
		const audit = (await getHistory(orderId, OPERATOR_KEY)).find((e) => e.type === "operator_action");
		expect(audit).toMatchObject({
			action: "resolve",
			actor: "operator:alice",
			reason: "refunded by hand in the payments dashboard",
		});
		expect((await episodeClosed(orderId))[0]).toMatchObject({ closed_action: "resolve" });
		const open = await api(`/dead-letters?orderId=${orderId}`, { key: "test-operator-key-01" });
		expect((await open.json<{ deadLetters: unknown[] }>()).deadLetters).toHaveLength(0);
	});
});

describe("operator routes need an operator key", () => {
	it("answers 403 to a client key and 401 to none", async () => {
		const orderId = await placeFailedRefund("op-auth");
		for (const action of ["retry", "resolve"] as const) {
			expect((await act(orderId, action, { key: API_KEY })).status).toBe(403);
			expect((await act(orderId, action, { key: null })).status).toBe(401);
		}
		for (const path of ["/orders", "/dead-letters"]) {
			expect((await api(path, { key: API_KEY })).status).toBe(403);
			expect((await api(path, { key: null })).status).toBe(401);
		}
		expect((await getStatus(orderId)).status).toBe("needs_attention");
	});

	it("a second operator key works and is named by its position in the audit trail", async () => {
		const orderId = await placeFailedRefund("test-operator-key-02");
		expect((await act(orderId, "resolve", { key: "test-operator-key-02" })).status).toBe(202);
		const audit = (await getHistory(orderId, OPERATOR_KEY)).find((e) => e.type === "operator_action");
		// An unnamed key is named by its position in OPERATOR_KEYS, never by anything of the key.
		expect(audit).toMatchObject({ actor: "operator:key-2" });
	});
});
