import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/order/status";
import { shareBreakers, slowAdmissionsOf } from "../breakers";
import { advanceClockBy, clockOf } from "../clock";
import {
	API_KEY,
	act,
	api,
	confirmPick,
	effectCounts,
	eventually,
	fireAlarm,
	getHistory,
	getStatus,
	injectFault,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	outOfStockOrder,
	pickToken,
	placeOrder,
	settle,
} from "../helpers";
import { driveWorld, timersOf } from "../world";

const SANDBOX = "https://sandbox.test";
/** The breakers' defaults (src/ops/config.ts): on the controlled clock, waiting them out costs nothing. */
const COOLDOWN_MS = 5_000;
const CACHE_MS = 2_000;

/** Fires whatever has fallen due in the world by its clock now, in order, until nothing is. */
async function catchUp(orderIds: string[]): Promise<void> {
	await driveWorld(orderIds, async () => {
		const [next] = await timersOf(orderIds);
		return next === undefined || next.at > clockOf(orderIds[0] ?? "");
	});
}

const stepOf = (status: OrderStatus, name: string) => status.steps.find((s) => s.name === name);

/** Drives the order (its alarms, on its own clock) until `step` is held. */
async function untilHeld(orderId: string, step: string): Promise<OrderStatus> {
	return settle(orderId, (s) => stepOf(s, step)?.status === "held");
}

async function downstream(name: string) {
	const response = await api("/downstreams", { key: OPERATOR_KEY });
	expect(response.status).toBe(200);
	const { downstreams } = (await response.json()) as {
		downstreams: { name: string; state: string; heldOrders: number; reason: string | null }[];
	};
	const found = downstreams.find((d) => d.name === name);
	if (!found) throw new Error(`no downstream ${name}`);
	return found;
}

function breakerAction(
	name: string,
	action: "pause" | "resume",
	options: { key?: string; idempotencyKey?: string } = {},
) {
	return api(`/downstreams/${name}/${action}`, {
		method: "POST",
		key: options.key ?? OPERATOR_KEY,
		body: { reason: `test ${action}` },
		headers: options.idempotencyKey ? { "Idempotency-Key": options.idempotencyKey } : {},
	});
}

/** Places the orders, each one's reservations answering 503 until it recovers. */
async function placeWhileReservationsFail(orderIds: string[], status = 503): Promise<void> {
	for (const orderId of orderIds) {
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status, times: 1000 });
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
	}
}

/** The service answers these orders again. */
async function recover(orderIds: string[]): Promise<void> {
	for (const orderId of orderIds)
		await fetch(`${SANDBOX}/faults?orderId=${encodeURIComponent(orderId)}`, { method: "DELETE" });
}

async function completeAfterPick(orderId: string): Promise<OrderStatus> {
	expect((await settle(orderId)).status).toBe("waiting");
	expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
	return settle(orderId);
}

describe("a downstream outage", () => {
	it("longer than the whole retry budget: no order is compensated, all complete after recovery, each effect once", async () => {
		const prefix = newOrderId("outage");
		shareBreakers(prefix);
		const orderIds = Array.from({ length: 12 }, (_, i) => `${prefix}-${i}`);
		await placeWhileReservationsFail(orderIds);
		const reserving = async () =>
			(await Promise.all(orderIds.map(getStatus))).map((s) => stepOf(s, "reserve-inventory"));
		await driveWorld(orderIds, async () => (await reserving()).every((step) => step?.status === "held"));
		expect(await downstream("inventory")).toMatchObject({ state: expect.stringMatching(/open/), heldOrders: 12 });

		// An hour on the fleet's one clock, far past the retry budget: what falls due on the way runs (probes
		// come and fail, held orders ask again); nothing gives up.
		for (let quarter = 0; quarter < 4; quarter++) {
			advanceClockBy(prefix, 900_000);
			await catchUp(orderIds);
		}
		for (const orderId of orderIds) {
			const status = await getStatus(orderId);
			expect(status.status).toBe("running");
			expect(stepOf(status, "reserve-inventory")?.status).toMatch(/held|retrying|running/);
		}

		// The service comes back: the next probe succeeds and the held orders go on by themselves.
		await recover(orderIds);
		await driveWorld(orderIds, async () => {
			const d = await downstream("inventory");
			return d.state === "closed" && d.heldOrders === 0;
		});
		for (const orderId of orderIds) {
			expect((await completeAfterPick(orderId)).status).toBe("completed");
			expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0, reservations: 1, releases: 0 });
			const history = await getHistory(orderId);
			expect(history.some((e) => e.type === "step_held" && e.step === "reserve-inventory")).toBe(true);
			expect(history.some((e) => e.type === "compensation_started")).toBe(false);
		}
		// One alert per episode: opened, then closed.
		const alertKinds = async () =>
			(
				await env.DB.prepare("SELECT kind FROM alerts WHERE id LIKE ? ORDER BY kind")
					.bind(`breaker:inventory@${prefix}:%`)
					.all<{ kind: string }>()
			).results.map((r) => r.kind);
		await eventually(alertKinds, (kinds) => kinds.join() === "downstream_closed,downstream_opened");
	});

	it.each([
		["after a healthy spell: old successes do not keep the breaker closed when an outage begins", 31_000],
		[
			"busy just before an outage, in the same window: ten failures in a row open it, and no order runs out of budget",
			0,
		],
	])("%s", async (_, quietMs) => {
		const prefix = newOrderId("reserved-then-down");
		shareBreakers(prefix);
		// Thirty reservations that succeeded, then quiet (more than the breaker's 30 s window, or none).
		const healthy = Array.from({ length: 30 }, (_, i) => `${prefix}-ok-${i}`);
		await Promise.all(
			healthy.map(async (orderId) => {
				expect((await placeOrder(orderBody(orderId))).status).toBe(202);
				await settle(orderId, (s) => stepOf(s, "reserve-inventory")?.status === "succeeded");
			}),
		);
		advanceClockBy(prefix, quietMs);
		const down = Array.from({ length: 12 }, (_, i) => `${prefix}-down-${i}`);
		await placeWhileReservationsFail(down);
		for (const orderId of down) await untilHeld(orderId, "reserve-inventory");
		// Opened after about ten failures: the thirty successes, had they counted, would have taken thirty.
		const failed = await Promise.all(
			down.map(async (id) => (await ledger(id)).requests.filter((r) => r.operation === "reserve").length),
		);
		expect(failed.reduce((a, b) => a + b, 0)).toBeLessThan(20);
		const name = `inventory@${prefix}`;
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		expect((await breaker.describe("inventory", name)).reason).toMatch(/calls failed in a row/);
		await recover(down);
		for (const orderId of down) expect((await settle(orderId)).status).toBe("waiting");
	});

	it("a cancel accepted while the breaker is asked wins: the call never goes out", async () => {
		const orderId = newOrderId("cancel-while-admitting");
		slowAdmissionsOf(orderId, 300);
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		// The charge's breaker is being asked (held back 300 ms): the customer cancels meanwhile.
		expect((await act(orderId, "cancel", { key: API_KEY })).status).toBe(202);
		expect((await settle(orderId)).status).toBe("cancelled");
		expect(await effectCounts(orderId)).toMatchObject({ charges: 0, refunds: 0 });
		expect((await ledger(orderId)).requests).toEqual([]);
	});

	it("probes that fail are free, and neither the hold limit nor the SLA restarts with each re-hold", async () => {
		const prefix = newOrderId("reheld");
		shareBreakers(prefix);
		const name = `inventory@${prefix}`;
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		await breaker.report("inventory", name, { successes: 0, failures: 10, lastFailure: "http_503", probe: null });
		const orderId = `${prefix}-0`;
		// 429: a failure the breaker counts that leaves nothing in doubt, so giving up is a clean compensation.
		await placeWhileReservationsFail([orderId], 429);
		const reserve = async () => stepOf(await getStatus(orderId), "reserve-inventory");
		const attemptsPast = (n: number) => async () => ((await reserve())?.attempts ?? 0) > n;
		// Probe after probe fails (the breaker sends one every cooldown): more than the budget of 5.
		await driveWorld([orderId], attemptsPast(6));
		const holds = async () =>
			(await getHistory(orderId)).filter((e) => e.type === "step_held" && e.step === "reserve-inventory");
		const until = new Set((await holds()).map((e) => ("until" in e ? e.until : null)));
		expect((await holds()).length).toBeGreaterThan(1);
		expect(until.size).toBe(1);

		// Twice past the SLA, with probes between: one stuck alert for the step.
		for (let round = 0; round < 2; round++) {
			advanceClockBy(orderId, 16 * 60_000);
			await fireAlarm(orderId);
			await driveWorld([orderId], attemptsPast(((await reserve())?.attempts ?? 0) + 1));
		}
		const stuck = (await getHistory(orderId)).filter((e) => e.type === "step_stuck");
		expect(stuck).toHaveLength(1);

		// The first hold's limit ends it: compensated.
		advanceClockBy(orderId, 24 * 3_600_000);
		await fireAlarm(orderId);
		expect(await settle(orderId)).toMatchObject({
			status: "compensated",
			failure: { step: "reserve-inventory", code: "downstream_unavailable" },
		});
		await recover([orderId]);
	});

	it("while held orders are released in waves, new calls are not queued behind them", async () => {
		const name = `inventory@${newOrderId("backlog")}`;
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		await breaker.report("inventory", name, { successes: 0, failures: 10, lastFailure: "http_503", probe: null });
		const held = Array.from({ length: 40 }, (_, i) => `held-${i}`);
		for (const id of held) expect((await breaker.admit("inventory", name, id)).admission.admitted).toBe(false);
		advanceClockBy(name, COOLDOWN_MS);
		expect((await breaker.admit("inventory", name, "prober")).admission).toEqual({ admitted: true, probe: true });
		await breaker.report("inventory", name, { successes: 0, failures: 0, lastFailure: null, probe: "success" });
		// Closed and releasing: a held order waits for its wave, a new one goes, and isolates may trust it again.
		expect((await breaker.admit("inventory", name, "held-39")).admission.admitted).toBe(false);
		expect(await breaker.admit("inventory", name, "a-new-order")).toEqual({
			admission: { admitted: true, probe: false },
			fast: true,
		});
	});

	it("half-open lets one probe through at a time", async () => {
		const name = `inventory@${newOrderId("probe")}`;
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		await breaker.report("inventory", name, { successes: 0, failures: 10, lastFailure: "http_503", probe: null });
		const refused = await breaker.admit("inventory", name, "w-0");
		expect(refused.admission.admitted).toBe(false);
		advanceClockBy(name, COOLDOWN_MS);
		const answers = await Promise.all(["w-1", "w-2", "w-3", "w-4"].map((id) => breaker.admit("inventory", name, id)));
		expect(answers.filter((a) => a.admission.admitted)).toEqual([
			{ admission: { admitted: true, probe: true }, fast: false },
		]);
		// The probe fails: open again, and after the cooldown again exactly one.
		await breaker.report("inventory", name, { successes: 0, failures: 0, lastFailure: "http_503", probe: "failure" });
		expect((await breaker.admit("inventory", name, "w-5")).admission.admitted).toBe(false);
		advanceClockBy(name, COOLDOWN_MS);
		const again = await Promise.all(["w-6", "w-7"].map((id) => breaker.admit("inventory", name, id)));
		expect(again.filter((a) => a.admission.admitted)).toHaveLength(1);
		await breaker.report("inventory", name, { successes: 0, failures: 0, lastFailure: null, probe: "success" });
		expect((await breaker.describe("inventory", name)).state).toBe("closed");
	});

	it("pause holds new calls, resume releases the held orders; bad requests are refused", async () => {
		const prefix = newOrderId("paused");
		shareBreakers(prefix);
		expect((await breakerAction("payments", "pause", { key: API_KEY })).status).toBe(403);
		expect((await breakerAction("telegraph", "pause")).status).toBe(404);
		expect((await breakerAction("payments", "resume")).status).toBe(409);
		expect((await breakerAction("payments", "pause", { idempotencyKey: `${prefix}-p` })).status).toBe(202);
		expect((await breakerAction("payments", "pause", { idempotencyKey: `${prefix}-p` })).status).toBe(200);
		expect((await breakerAction("payments", "resume", { idempotencyKey: `${prefix}-p` })).status).toBe(422);
		expect((await breakerAction("payments", "pause")).status).toBe(409);

		const orderIds = [0, 1, 2].map((i) => `${prefix}-${i}`);
		for (const orderId of orderIds) {
			expect((await placeOrder(orderBody(orderId))).status).toBe(202);
			const held = await untilHeld(orderId, "charge-payment");
			expect(held.status).toBe("running");
			expect(stepOf(held, "charge-payment")).toMatchObject({ attempts: 0, heldBy: "payments" });
		}
		expect(await downstream("payments")).toMatchObject({ state: "paused", heldOrders: 3 });
		expect((await downstream("payments")).reason).toContain("operator:alice");

		expect((await breakerAction("payments", "resume")).status).toBe(202);
		for (const orderId of orderIds) {
			expect((await settle(orderId, (s) => s.status === "waiting")).status).toBe("waiting");
			expect(await effectCounts(orderId)).toMatchObject({ charges: 1 });
			const history = await getHistory(orderId);
			expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(["step_held", "step_released"]));
		}
		expect(await downstream("payments")).toMatchObject({ state: "closed", heldOrders: 0 });
	});

	it("an open breaker paused, then resumed by an operator: its episode is announced closed, once", async () => {
		const prefix = newOrderId("pause-open");
		shareBreakers(prefix);
		const name = `shipping@${prefix}`;
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		await breaker.report("shipping", name, { successes: 0, failures: 10, lastFailure: "http_503", probe: null });
		expect((await breakerAction("shipping", "pause")).status).toBe(202);
		expect((await breakerAction("shipping", "resume")).status).toBe(202);
		// A pause and resume of a healthy service is no episode: nothing more is announced.
		expect((await breakerAction("shipping", "pause")).status).toBe(202);
		expect((await breakerAction("shipping", "resume")).status).toBe(202);
		await runDurableObjectAlarm(breaker);
		const alertIds = async () =>
			(
				await env.DB.prepare("SELECT id FROM alerts WHERE id LIKE ? ORDER BY id")
					.bind(`breaker:${name}:%`)
					.all<{ id: string }>()
			).results.map((r) => r.id);
		await eventually(alertIds, (ids) => ids.length >= 2);
		expect(await alertIds()).toEqual([`breaker:${name}:1:closed`, `breaker:${name}:1:opened`]);
	});

	it("a hold past the step's maxHoldMs ends the step for good: the order is compensated", async () => {
		const prefix = newOrderId("too-long");
		shareBreakers(prefix);
		expect((await breakerAction("shipping", "pause")).status).toBe(202);
		const orderId = `${prefix}-0`;
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		await untilHeld(orderId, "schedule-shipping");
		advanceClockBy(orderId, 16 * 60_000);
		await fireAlarm(orderId);
		advanceClockBy(orderId, 24 * 3_600_000);
		await fireAlarm(orderId);
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "compensated",
			failure: { step: "schedule-shipping", code: "downstream_unavailable" },
		});
		expect(await effectCounts(orderId)).toMatchObject({
			charges: 1,
			refunds: 1,
			reservations: 1,
			releases: 1,
			shipments: 0,
		});
		// Its SLA passed while it was held: the stuck-step alert fired.
		expect((await getHistory(orderId)).some((e) => e.type === "step_stuck" && e.step === "schedule-shipping")).toBe(
			true,
		);
		expect((await breakerAction("shipping", "resume")).status).toBe(202);
	});

	it("an undo is held through an outage and never given up", async () => {
		const prefix = newOrderId("undo-held");
		shareBreakers(prefix);
		const orderId = `${prefix}-0`;
		// The first reservation attempt answers 503; the order waits for its retry, charged.
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 503, times: 1 });
		expect((await placeOrder(outOfStockOrder(orderId))).status).toBe(202);
		await settle(orderId, (s) => stepOf(s, "reserve-inventory")?.status === "retrying");
		expect((await breakerAction("payments", "pause")).status).toBe(202);
		advanceClockBy(orderId, CACHE_MS); // isolates trust a closed breaker for a while

		// Out of stock for good: the refund is due, and held.
		const held = await untilHeld(orderId, "charge-payment:undo");
		expect(held.status).toBe("compensating");
		expect(stepOf(held, "charge-payment:undo")).toMatchObject({ heldBy: "payments", heldUntil: null });
		advanceClockBy(orderId, 72 * 3_600_000);
		await fireAlarm(orderId);
		expect(stepOf(await getStatus(orderId), "charge-payment:undo")?.status).toBe("held");

		expect((await breakerAction("payments", "resume")).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1 });
	});
});
