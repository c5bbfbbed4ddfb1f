import { describe, expect, it } from "vitest";
import { signCallbackToken } from "../../src/order/callback-token";
import { CANNOT_PICK_EVENT, PICK_EVENT, WAREHOUSE_WAIT } from "../../src/order/pick";
import type { OrderStatus } from "../../src/order/status";
import { shareBreakers } from "../breakers";
import { advanceClockBy, clockOf } from "../clock";
import { deploy, startWith } from "../deploys";
import {
	api,
	confirmPick,
	EVERYTHING_UNDONE,
	effectCounts,
	getHistory,
	getStatus,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	PICKED_AT,
	pickToken,
	placeOrder,
	placeUntilCannotPick,
	placeUntilPick,
	reportCannotPick,
	settle,
	shipmentToken,
	testSigner,
} from "../helpers";
import { driveWorld } from "../world";

const SANDBOX = "https://sandbox.test";

const undone = EVERYTHING_UNDONE;

/** The warehouse step of a version 2 order, as its status shows it. */
const warehouseStep = (status: OrderStatus) => status.steps.find((s) => s.name === WAREHOUSE_WAIT);

const downstreamAction = (name: string, action: "pause" | "resume") =>
	api(`/downstreams/${name}/${action}`, { method: "POST", key: OPERATOR_KEY, body: { reason: `test ${action}` } });

describe("the warehouse cannot pick", () => {
	it("says so with a reason: everything is undone at once, not after the deadline, and the failure names the reason", async () => {
		const orderId = newOrderId("cannot-pick");
		await placeOrder(orderBody(orderId));
		const waiting = await settle(orderId);
		expect(waiting.waitingFor).toMatchObject({ event: WAREHOUSE_WAIT, events: [PICK_EVENT, CANNOT_PICK_EVENT] });
		const before = clockOf(orderId);

		// The sandbox's warehouse app says which answer it sends (here it may not call this test's Worker back).
		const [shipment] = (await (await fetch(`${SANDBOX}/shipping/shipments?orderId=${orderId}`)).json()) as {
			id: string;
		}[];
		const viaSandbox = await fetch(`${SANDBOX}/shipping/shipments/${shipment?.id}/cannot-pick`, {
			method: "POST",
			body: JSON.stringify({ reason: "out_of_stock" }),
		});
		expect(await viaSandbox.json()).toMatchObject({ event: CANNOT_PICK_EVENT, code: "callback_not_allowed" });
		expect((await reportCannotPick(orderId, (await shipmentToken(orderId, "cannot-pick")) ?? "")).status).toBe(202);

		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "compensated",
			needsAttention: false,
			// A client reads the reason too: the workflow words it itself, from a closed list.
			failure: {
				step: WAREHOUSE_WAIT,
				code: "cannot_pick",
				message: "the warehouse cannot pick the order (out_of_stock)",
			},
		});
		expect(warehouseStep(status)).toMatchObject({ status: "succeeded", event: CANNOT_PICK_EVENT });
		expect(await effectCounts(orderId)).toMatchObject(undone);
		// Undone without waiting for any timer: the order's clock never moved towards the two-day deadline.
		expect(clockOf(orderId) - before).toBeLessThan(60_000);
		const received = (await getHistory(orderId)).find((e) => e.type === "event_received");
		expect(received).toMatchObject({ event: CANNOT_PICK_EVENT, payload: { reason: "out_of_stock" } });
		// Not the point of no return: a cancel-like undo, never a commitment.
		expect((await getHistory(orderId)).some((e) => e.type === "point_of_no_return")).toBe(false);
	});

	it("a pick and a cannot-pick racing: the first accepted wins, the other is refused 410, and so is the winner with another body", async () => {
		const orderId = newOrderId("pick-race");
		const cannotPickToken = await placeUntilCannotPick(orderBody(orderId));
		const [pick, cannot] = await Promise.all([
			confirmPick(orderId, await pickToken(orderId)),
			reportCannotPick(orderId, cannotPickToken, "damaged"),
		]);
		expect([pick.status, cannot.status].sort()).toEqual([202, 410]);
		const winner = pick.status === 202 ? PICK_EVENT : CANNOT_PICK_EVENT;
		// The winner again: the same body is a redelivery (200), another body is another answer (410).
		if (winner === PICK_EVENT) {
			expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(200);
			expect((await confirmPick(orderId, await pickToken(orderId), "2026-12-01T11:00:00.000Z")).status).toBe(410);
		} else {
			expect((await reportCannotPick(orderId, cannotPickToken, "damaged")).status).toBe(200);
			expect((await reportCannotPick(orderId, cannotPickToken, "address_problem")).status).toBe(410);
		}
		const status = await settle(orderId);
		expect(warehouseStep(status)?.event).toBe(winner);
		expect(status.status).toBe(winner === PICK_EVENT ? "completed" : "compensated");
		expect(await effectCounts(orderId)).toMatchObject(
			winner === PICK_EVENT ? { refunds: 0, shipmentCancellations: 0, emails: 1 } : undone,
		);
	});

	it("after the deadline: refused 410, and the order is undone for the deadline, not for the warehouse", async () => {
		const orderId = newOrderId("cannot-pick-late");
		const token = await placeUntilCannotPick(orderBody(orderId));
		const status = await settle(orderId, (s) => s.status === "compensated");
		expect(status.failure).toMatchObject({ code: "pick_deadline_exceeded" });
		expect((await reportCannotPick(orderId, token)).status).toBe(410);
		expect(warehouseStep(await getStatus(orderId))).toMatchObject({ status: "failed", event: null });
		expect(await effectCounts(orderId)).toMatchObject(undone);
	});

	it("a version 1 order in flight during the upgrade finishes on version 1, waiting for the pick alone", async () => {
		const orderId = newOrderId("v1-in-flight");
		// The code before the upgrade: version 1 only.
		startWith(orderId, { versions: (versions) => ({ 1: versions[1] }) as typeof versions });
		const pickToV1 = await placeUntilPick(orderBody(orderId));
		const before = await getStatus(orderId);
		expect(before).toMatchObject({ workflowVersion: 1, waitingFor: { event: PICK_EVENT, events: [PICK_EVENT] } });
		expect(await shipmentToken(orderId, "cannot-pick")).toBeNull();

		// The upgrade ships version 2 beside version 1; the order's object restarts on the new code.
		await deploy([orderId], { versions: (versions) => versions });
		expect(await getStatus(orderId)).toMatchObject({ workflowVersion: 1, waitingFor: { event: PICK_EVENT } });
		// Its warehouse was given no cannot-pick callback; a token for one (signed, but never handed out) is refused.
		const [shipment] = (await (await fetch(`${SANDBOX}/shipping/shipments?orderId=${orderId}`)).json()) as {
			id: string;
		}[];
		const unoffered = await fetch(`${SANDBOX}/shipping/shipments/${shipment?.id}/cannot-pick`, {
			method: "POST",
			body: JSON.stringify({ reason: "damaged" }),
		});
		expect(unoffered.status).toBe(409);
		const claims = { tenant: "default", orderId, event: CANNOT_PICK_EVENT };
		const forged = await signCallbackToken(await testSigner(), claims);
		expect((await reportCannotPick(orderId, forged)).status).toBe(410);

		expect((await confirmPick(orderId, pickToV1)).status).toBe(202);
		const done = await settle(orderId);
		expect(done).toMatchObject({ status: "completed", workflowVersion: 1 });
		const waits = (await getHistory(orderId)).filter((e) => e.type === "event_waiting");
		expect(waits).toEqual([expect.objectContaining({ step: PICK_EVENT })]);
		expect(waits[0]).not.toHaveProperty("events");

		// An order placed after the upgrade starts on version 2.
		const newer = newOrderId("v2-after-upgrade");
		await placeOrder(orderBody(newer));
		expect(await settle(newer)).toMatchObject({ workflowVersion: 2, waitingFor: { event: WAREHOUSE_WAIT } });
	});

	it("with its refund held by a payments outage: the shipment and stock are undone at once, the card when payments is back", async () => {
		const prefix = newOrderId("cannot-pick-outage");
		shareBreakers(prefix);
		const orderId = `${prefix}-0`;
		const token = await placeUntilCannotPick(orderBody(orderId));
		expect((await downstreamAction("payments", "pause")).status).toBe(202);
		// Isolates trust a closed breaker for a moment (BREAKER_CACHE_MS) before they learn of the pause.
		advanceClockBy(orderId, 3_000);
		expect((await reportCannotPick(orderId, token, "address_problem")).status).toBe(202);
		const held = await settle(orderId, (s) => s.steps.some((step) => step.status === "held"));
		expect(held.status).toBe("compensating");
		expect(held.steps.find((s) => s.name === "charge-payment:undo")).toMatchObject({
			status: "held",
			heldBy: "payments",
		});
		expect(await effectCounts(orderId)).toMatchObject({ refunds: 0, releases: 1, shipmentCancellations: 1 });

		expect((await downstreamAction("payments", "resume")).status).toBe(202);
		await driveWorld([orderId], async () => (await getStatus(orderId)).status === "compensated");
		expect(await getStatus(orderId)).toMatchObject({ status: "compensated", failure: { code: "cannot_pick" } });
		expect(await effectCounts(orderId)).toMatchObject(undone);
	});

	it("a redelivered pick with the same body is answered 200 without a second effect", async () => {
		const orderId = newOrderId("pick-redelivered");
		const token = await placeUntilPick(orderBody(orderId));
		expect((await confirmPick(orderId, token, PICKED_AT)).status).toBe(202);
		expect((await confirmPick(orderId, token, PICKED_AT)).status).toBe(200);
		expect((await settle(orderId)).status).toBe("completed");
		expect(await effectCounts(orderId)).toMatchObject({ shipments: 1, emails: 1 });
	});
});
