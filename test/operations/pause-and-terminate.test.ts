import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/order/status";
import {
	API_KEY,
	act,
	api,
	confirmPick,
	d1Rows,
	EVERYTHING_UNDONE,
	effectCounts,
	eventually,
	fireAlarm,
	getHistory,
	getStatus,
	inObject,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeFailedRefund,
	placeUntilPick,
	settle,
} from "../helpers";

const idle = (orderId: string) =>
	eventually(
		() => inObject(orderId, (instance) => instance.engine.busy),
		(busy) => !busy,
	);

/** Every request the sandbox's services have seen for the order: what "calls nothing" is measured by. */
const requestCount = async (orderId: string) => (await ledger(orderId)).requests.length;

/** Fires whatever alarm the order has, at its time, a few times over: a paused order must still call nothing. */
async function fireWhatIsDue(orderId: string, times = 3) {
	for (let i = 0; i < times; i++) if (!(await fireAlarm(orderId))) return;
}

async function pausedWhileWaiting(label: string) {
	const orderId = newOrderId(label);
	const token = await placeUntilPick(orderBody(orderId));
	const response = await act(orderId, "pause", { reason: "fraud check by the risk team" });
	expect(response.status).toBe(202);
	return { orderId, token };
}

describe("pausing one order", () => {
	it("calls nothing while paused, though the warehouse's pick is accepted; resumed, it completes; who and why are journaled", async () => {
		const { orderId, token } = await pausedWhileWaiting("pause-pick");
		expect((await act(orderId, "pause")).status).toBe(409);
		expect(
			(await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action").map((e) => e.action),
		).toEqual(["pause"]);

		const calls = await requestCount(orderId);
		expect((await confirmPick(orderId, token)).status).toBe(202);
		await idle(orderId);
		await fireWhatIsDue(orderId);
		expect(await requestCount(orderId)).toBe(calls);
		expect(await effectCounts(orderId)).toMatchObject({ emails: 0 });
		// An operator reads who paused it and why; its client, only that an operator did.
		const client = await getStatus(orderId);
		expect(client.paused).toMatchObject({ actor: "operator", reason: "an operator paused the order" });
		const operator = await api(`/orders/${orderId}`, { key: OPERATOR_KEY });
		expect((await operator.json<OrderStatus>()).paused).toMatchObject({
			actor: "operator:alice",
			reason: "fraud check by the risk team",
		});

		expect((await act(orderId, "resume", { reason: "risk cleared" })).status).toBe(202);
		expect(await settle(orderId)).toMatchObject({ status: "completed", paused: null, needsAttention: false });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, emails: 1, refunds: 0 });
		const audit = (await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");
		expect(audit).toMatchObject([
			{ action: "pause", actor: "operator:alice", reason: "fraud check by the risk team" },
			{ action: "resume", actor: "operator:alice", reason: "risk cleared" },
		]);
		expect((await act(orderId, "resume")).status).toBe(409);
		expect((await act(orderId, "pause")).status).toBe(409);
	});

	it("its deadlines still count: the pick deadline passes while paused, and the undos wait for the resume", async () => {
		const { orderId } = await pausedWhileWaiting("pause-deadline");
		const calls = await requestCount(orderId);
		const compensating = await settle(orderId, (s) => s.failure?.code === "pick_deadline_exceeded");
		await idle(orderId);
		expect(compensating.status).toBe("compensating");
		await fireWhatIsDue(orderId);
		expect(await requestCount(orderId)).toBe(calls);
		expect(await effectCounts(orderId)).toMatchObject({ refunds: 0, releases: 0, shipmentCancellations: 0 });

		expect((await act(orderId, "resume", { reason: "back to normal" })).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject(EVERYTHING_UNDONE);
	});

	it("a customer's cancel ends the pause: what was done is undone at once, as the README promises", async () => {
		const { orderId } = await pausedWhileWaiting("pause-cancel");
		expect((await act(orderId, "cancel", { key: API_KEY, reason: "changed my mind" })).status).toBe(202);
		expect(await settle(orderId)).toMatchObject({ status: "cancelled", paused: null });
		expect(await effectCounts(orderId)).toMatchObject(EVERYTHING_UNDONE);
	});

	it("is refused for a finished order, and for a client key", async () => {
		const { orderId } = await pausedWhileWaiting("pause-refused");
		for (const action of ["pause", "resume", "terminate"] as const)
			expect((await act(orderId, action, { key: API_KEY })).status).toBe(403);
		expect((await act(orderId, "cancel", { key: API_KEY })).status).toBe(202);
		await settle(orderId);
		expect((await act(orderId, "pause")).status).toBe(409);
		expect((await act(orderId, "resume")).status).toBe(409);
		expect((await act(orderId, "terminate")).status).toBe(409);
	});
});

describe("terminating one order without compensation", () => {
	it("a dry run names what stays as it is; then it ends terminated, nothing undone or called again, its dead letter closed", async () => {
		const orderId = await placeFailedRefund("terminate");
		const before = await getHistory(orderId, OPERATOR_KEY);
		const dry = await act(orderId, "terminate", { dryRun: true });
		expect(dry.status).toBe(200);
		expect(await dry.json()).toMatchObject({ outcome: "dry_run", steps: ["charge-payment"] });
		expect(await getHistory(orderId, OPERATOR_KEY)).toEqual(before);

		const calls = await requestCount(orderId);
		const response = await act(orderId, "terminate", { reason: "refunded by hand in the payments dashboard" });
		expect(response.status).toBe(202);
		expect(await response.json()).toMatchObject({ outcome: "accepted", status: { status: "terminated" } });
		const status = await getStatus(orderId);
		expect(status).toMatchObject({ status: "terminated", needsAttention: false });
		await fireWhatIsDue(orderId);
		expect(await requestCount(orderId)).toBe(calls);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
		const closed = await eventually(
			() => d1Rows("dead_letters", orderId),
			(rows) => rows[0]?.status === "closed",
		);
		expect(closed[0]).toMatchObject({ closed_by: "operator:alice", closed_action: "terminate" });
		const audit = (await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");
		expect(audit).toMatchObject([
			{ action: "terminate", actor: "operator:alice", reason: "refunded by hand in the payments dashboard" },
		]);
		expect((await act(orderId, "retry")).status).toBe(409);
		expect((await act(orderId, "terminate")).status).toBe(409);
	});

	it("an order under way ends at once with nothing undone; the warehouse's pick is then refused", async () => {
		const orderId = newOrderId("terminate-waiting");
		const token = await placeUntilPick(orderBody(orderId));
		expect((await act(orderId, "terminate", { reason: "shipped by hand" })).status).toBe(202);
		await idle(orderId);
		expect(await getStatus(orderId)).toMatchObject({ status: "terminated", waitingFor: null });
		expect((await confirmPick(orderId, token)).status).toBe(410);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0, releases: 0, emails: 0 });
	});
});
