import { describe, expect, it } from "vitest";
import type { BreakerRecord } from "../../src/ops/breaker-state";
import { platform } from "../../src/ops/platform";
import type { OrderStatus } from "../../src/order/status";
import type { Effect, Ledger } from "../helpers";
import { caseSpec, type HistoryEntry, type Observation } from "./case";
import type { Probe } from "./crash-plan";
import { CrashPlan } from "./crash-plan";
import type { WorldObservation } from "./driver";
import { isUndo, OPERATION_NAMES, OPERATIONS } from "./faults";
import { checkInvariants, EFFECT_OF } from "./invariants";
import { expectedAlerts } from "./projection";
import { livenessOf, noteClosed } from "./simulation";
import { breakerAlerts, checkWorld, expectedBreakerAlerts, heldInTime } from "./world-checks";
import { worldOf } from "./world-spec";

// The checker must fail when it should: each test below breaks one promise in an otherwise clean
// observation of a completed order and expects exactly that invariant to fire.

const ID = "inv-1";
/** The forward operations of a completed order, their steps and their effects, from the harness's one list. */
const OPS = OPERATION_NAMES.filter((op) => !isUndo(op));
const STEPS = OPS.map((op) => OPERATIONS[op].step);
const KINDS = OPS.map((op) => EFFECT_OF[op]);

const effect = (kind: string, step: string, data: Record<string, unknown> = {}): Effect => ({
	id: `${kind}_1`,
	orderId: ID,
	targetId: null,
	idempotencyKey: `${ID}:${step}`,
	data,
});

function completed(): Observation {
	let seq = 0;
	const at = "2026-11-26T10:00:00.000Z";
	const entry = (event: Record<string, unknown>) => ({ seq: ++seq, at, ...event }) as HistoryEntry;
	const history = STEPS.flatMap((step) => [
		entry({
			type: "step_started",
			step,
			attempt: 1,
			idempotencyKey: `${ID}:${step}`,
			timeoutAt: "1970-01-01T00:00:00.000Z",
		}),
		entry({ type: "step_succeeded", step, result: { id: "x" } }),
	]);
	const ledger: Ledger = {
		charges: [effect("ch", "charge-payment", { amountCents: 3499 })],
		refunds: [],
		reservations: [effect("rs", "reserve-inventory")],
		releases: [],
		shipments: [effect("sh", "schedule-shipping")],
		shipmentCancellations: [],
		emails: [effect("em", "send-confirmation")],
		alerts: [],
		requests: OPS.map((operation, i) => ({
			operation,
			orderId: ID,
			idempotencyKey: `${ID}:${STEPS[i]}`,
			status: 201,
			code: null,
			fault: null,
			traceparent: null,
		})),
	};
	return {
		spec: caseSpec({ id: "self-test", orderId: ID }),
		status: {
			status: "completed",
			needsAttention: false,
			totalCents: 3499,
			failure: null,
			steps: [],
			customer: { id: "cus_1", email: "ada@example.com" },
			shippingAddress: { line1: "12 St James's Square" },
		} as unknown as OrderStatus,
		history,
		ledger,
		// The erasure of its personal data, 30 days on.
		alarm: Date.parse("2026-12-26T10:00:00.000Z"),
		accepted: true,
		trace: [],
		checkpoints: { committed: 0, returned: 0 },
		crashes: 0,
		incidents: [],
		notes: [],
		calls: [],
		answers: [],
		d1: {
			deadLetters: [],
			index: { status: "completed", needs_attention: 0, failure_code: null, open_episode: null },
		},
		stored: { journal: "[]", all: '[{"digest":"x","data":"{\\"email\\":\\"ada@example.com\\"}"}]' },
		elapsedMs: 0,
	};
}

/** The order as it stood before the confirmation was sent: no send step in the journal, no email, no request. */
function unconfirmed(obs: Observation): Observation {
	obs.history = obs.history.filter((e) => !("step" in e) || e.step !== "send-confirmation");
	obs.ledger.emails = [];
	obs.ledger.requests = obs.ledger.requests.filter((r) => r.operation !== "send");
	return obs;
}

/** Every alert the journal raised, posted once: what delivery does, unless a test says otherwise. */
function posted(obs: Observation): Observation {
	for (const id of expectedAlerts(ID, obs.history))
		if (!obs.ledger.requests.some((r) => r.idempotencyKey === id))
			obs.ledger.requests.push({
				operation: "alert",
				orderId: ID,
				idempotencyKey: id,
				status: 200,
				code: null,
				fault: null,
				traceparent: null,
			});
	return obs;
}
const fired = (obs: Observation) => [...new Set(checkInvariants(posted(obs)).map((v) => v.invariant))];
/** The same observation, the order (and its index row) in another status. */
const withStatus = (obs: Observation, status: string) => {
	obs.status = { ...(obs.status as OrderStatus), status: status as OrderStatus["status"] };
	if (obs.d1?.index) obs.d1.index.status = status;
	return obs;
};

describe("the chaos invariants catch what they promise to", () => {
	it("a clean completed order passes", () => {
		expect(checkInvariants(completed())).toEqual([]);
	});

	it("(1) a second charge", () => {
		const obs = completed();
		obs.ledger.charges.push(effect("ch2", "charge-payment", { amountCents: 3499 }));
		expect(fired(obs)).toContain("no-double-effect");
	});

	it("(2) money: a refund on a completed order; undone: a charge left on a compensated one", () => {
		const refunded = completed();
		refunded.ledger.refunds.push(effect("re", "charge-payment:undo", { amountCents: 3499 }));
		expect(fired(refunded)).toContain("money");
		expect(fired(withStatus(completed(), "compensated"))).toContain("undone");
		expect(fired(withStatus(completed(), "needs_attention"))).toEqual([]);
	});

	it("(3) undone: a reservation or a shipment left on a compensated order, which should have needed attention", () => {
		const obs = unconfirmed(withStatus(completed(), "compensated"));
		obs.ledger.refunds.push(effect("re", "charge-payment:undo", { amountCents: 3499 }));
		expect(fired(obs)).toEqual(["undone"]);
		expect(checkInvariants(obs).map((x) => x.message)).toEqual([
			"compensated but reserved - released = 1, not 0",
			"compensated but shipments - cancellations = 1, not 0",
		]);
	});

	it("(4) an order that does not rest, or waits without an alarm, or vanished after it was accepted", () => {
		expect(fired(withStatus(completed(), "running"))).toContain("settled");
		const waiting = unconfirmed(withStatus(completed(), "waiting"));
		const deadline = Date.now() + 3600_000;
		(waiting.status as OrderStatus).waitingFor = {
			event: "warehouse-picked",
			events: ["warehouse-picked"],
			deadline: new Date(deadline).toISOString(),
		};
		expect(fired(waiting)).toEqual(["settled"]);
		waiting.alarm = deadline + 1;
		expect(fired(waiting)).toEqual(["settled"]);
		waiting.alarm = deadline - 1;
		expect(fired(waiting)).toEqual([]);
		const vanished = completed();
		vanished.status = null;
		expect(fired(vanished)).toContain("settled");
	});

	it("(5) a request with no journaled attempt, an attempt after success, a budget overrun", () => {
		const extra = completed();
		extra.ledger.requests.push({ ...(extra.ledger.requests[0] as Ledger["requests"][number]) });
		expect(fired(extra)).toEqual(["no-rerun"]);
		const rerun = completed();
		rerun.history.push({ ...(rerun.history[0] as HistoryEntry), seq: 99, attempt: 2 } as HistoryEntry);
		expect(fired(rerun)).toContain("no-rerun");
		const overrun = completed();
		const failed = (attempt: number) =>
			({
				seq: 100 + attempt,
				at: "",
				type: "step_failed",
				step: "reserve-inventory",
				attempt,
				error: { kind: "retryable", code: "http_500", message: "" },
				retryAt: "1970-01-01T00:00:00.001Z",
			}) as HistoryEntry;
		const started = (attempt: number) =>
			({
				seq: 100 + attempt,
				at: "",
				type: "step_started",
				step: "reserve-inventory",
				attempt,
				idempotencyKey: `${ID}:reserve-inventory`,
				timeoutAt: "1970-01-01T00:00:00.000Z",
			}) as HistoryEntry;
		const [, , start, success, ...rest] = overrun.history as [HistoryEntry, HistoryEntry, HistoryEntry, HistoryEntry];
		overrun.history = [
			...overrun.history.slice(0, 2),
			...[1, 2, 3, 4, 5].flatMap((n) => [started(n), failed(n)]),
			{ ...start, attempt: 6 } as HistoryEntry,
			success,
			...rest,
		].map((e, i) => ({ ...e, seq: i + 1 }) as HistoryEntry);
		overrun.ledger.requests.push(
			...Array.from({ length: 5 }, () => ({
				...(overrun.ledger.requests[1] as Ledger["requests"][number]),
				status: 500,
			})),
		);
		expect(fired(overrun)).toEqual(["no-rerun"]);
		expect(checkInvariants(overrun).map((v) => v.message)).toEqual([
			"reserve-inventory: attempt #6 is beyond the budget of 5",
		]);
	});

	it("holds: an attempt while held, a hold given up early, an undo given up for an outage; failed probes are free", () => {
		const at = "2026-11-26T10:00:00.000Z";
		const held = (step: string, until: string | null) =>
			({
				at,
				type: "step_held",
				step,
				kind: "action",
				idempotencyKey: `${ID}:${step}`,
				downstream: "inventory",
				reason: "",
				until,
			}) as unknown as HistoryEntry;
		const released = (step: string) => ({ at, type: "step_released", step, probe: false }) as unknown as HistoryEntry;
		const giveUp = (step: string, attempt = 0) =>
			({
				at,
				type: "step_failed",
				step,
				attempt,
				error: { kind: "retryable", code: "downstream_unavailable", message: "" },
				retryAt: null,
			}) as unknown as HistoryEntry;
		const renumber = (obs: Observation) => {
			obs.history = obs.history.map((e, i) => ({ ...e, seq: i + 1 }) as HistoryEntry);
			return obs;
		};
		const problemsOf = (obs: Observation) => checkInvariants(renumber(obs)).map((v) => v.message);

		// Held, then released before its attempt: clean.
		const clean = completed();
		clean.history.splice(2, 0, held("reserve-inventory", at), released("reserve-inventory"));
		expect(problemsOf(clean)).toEqual([]);

		// Held, and attempted without a release.
		const attempted = completed();
		attempted.history.splice(2, 0, held("reserve-inventory", at));
		expect(problemsOf(attempted)).toContain("reserve-inventory: attempt #1 started while the step was held");

		// Given up before its hold could end, and an undo given up at all.
		const early = completed();
		const confirmation = early.history.findIndex((e) => "step" in e && e.step === "send-confirmation");
		early.history.splice(confirmation, 0, held("send-confirmation", "2026-11-27T10:00:00.000Z"));
		early.history.splice(confirmation + 1, 0, giveUp("send-confirmation"));
		early.history.push(held("charge-payment:undo", null), giveUp("charge-payment:undo"));
		const problems = problemsOf(early);
		expect(problems.some((p) => p.startsWith("send-confirmation: given up at"))).toBe(true);
		expect(problems.some((p) => p.startsWith("charge-payment:undo: given up at") && p.includes("never"))).toBe(true);
	});

	it("cancel-stops: a forward attempt after an accepted cancel, unless its step is in doubt", () => {
		const after = completed();
		const cancel = {
			seq: 0,
			at: "",
			type: "operator_action",
			action: "cancel",
			actor: "client:x",
			reason: "",
			requestKey: null,
			steps: [],
		} as unknown as HistoryEntry;
		after.history.splice(2, 0, cancel);
		after.history = after.history.map((e, i) => ({ ...e, seq: i + 1 }) as HistoryEntry);
		expect(
			checkInvariants(after)
				.filter((v) => v.invariant === "cancel-stops")
				.map((v) => v.message),
		).toContain("#4 reserve-inventory attempt 1 started after the cancel");
	});

	it("paused-calls-nothing and terminated-stays: an attempt in a pause, anything but an answer after a terminate", () => {
		const operatorAction = (action: string) =>
			({
				seq: 0,
				at: "",
				type: "operator_action",
				action,
				actor: "operator:x",
				reason: "",
				requestKey: null,
				steps: [],
			}) as unknown as HistoryEntry;
		const renumber = (obs: Observation) => {
			obs.history = obs.history.map((e, i) => ({ ...e, seq: i + 1 }) as HistoryEntry);
			return obs;
		};
		const messages = (obs: Observation, invariant: string) =>
			checkInvariants(renumber(obs))
				.filter((v) => v.invariant === invariant)
				.map((v) => v.message);
		// Paused after the charge, resumed after the reservation: the reservation started in the pause.
		const paused = completed();
		paused.history.splice(2, 0, operatorAction("pause"));
		paused.history.splice(5, 0, operatorAction("resume"));
		expect(messages(paused, "paused-calls-nothing")).toEqual(["#4 reserve-inventory attempt 1 started while paused"]);
		// Resumed before the reservation: nothing to say.
		const resumed = completed();
		resumed.history.splice(2, 0, operatorAction("pause"), operatorAction("resume"));
		expect(messages(resumed, "paused-calls-nothing")).toEqual([]);
		// Terminated after the charge: the next attempt and the finish break it; the charge's own answer would not.
		const terminated = completed();
		terminated.history.splice(1, 0, operatorAction("terminate"));
		terminated.history.push({
			seq: 0,
			at: "",
			type: "compensation_started",
			failure: { step: "x", code: "x", message: "" },
		} as HistoryEntry);
		expect(messages(terminated, "terminated-stays")).toEqual([
			"#4 reserve-inventory attempt 1 started after terminate",
			"#6 schedule-shipping attempt 1 started after terminate",
			"#8 send-confirmation attempt 1 started after terminate",
			"#10 compensation_started after terminate",
		]);
	});

	it("(6) a request under another key, and a key reused with another body", () => {
		const obs = completed();
		const first = obs.ledger.requests[0] as Ledger["requests"][number];
		first.idempotencyKey = `${ID}:charge-payment:2`;
		expect(fired(obs)).toEqual(["stable-keys"]);
		const reused = completed();
		reused.ledger.requests.push({
			...first,
			idempotencyKey: `${ID}:charge-payment`,
			status: 422,
			code: "idempotency_key_reused",
		});
		reused.history.push({ ...(reused.history[0] as HistoryEntry), seq: 98 });
		expect(fired(reused)).toContain("stable-keys");
	});

	it("the journal: a gap in its sequence, a pick recorded after the workflow finished", () => {
		const gap = completed();
		gap.history.splice(3, 1);
		expect(fired(gap)).toContain("journal");
		const late = completed();
		const next = late.history.length + 1;
		late.history.push(
			{ seq: next, at: "", type: "workflow_finished", status: "completed", failure: null } as HistoryEntry,
			{ seq: next + 1, at: "", type: "event_received", step: "warehouse-picked", payload: {} } as HistoryEntry,
		);
		expect(fired(late)).toEqual(["journal"]);
	});

	it("a step the journal calls succeeded, with no effect in the ledger", () => {
		const obs = completed();
		obs.ledger.shipments = [];
		expect(fired(obs)).toContain("journal-effects");
	});

	it("dead letters: one per needs-attention episode in the journal, closed with it, no other", () => {
		const obs = withStatus(completed(), "needs_attention");
		const failure = { step: "send-confirmation", code: "x", message: "" };
		const seq = obs.history.length + 1;
		obs.history.push({ seq, at: "", type: "workflow_finished", status: "needs_attention", failure } as HistoryEntry);
		Object.assign(obs.status as OrderStatus, { needsAttention: true, failure });
		obs.d1 = {
			deadLetters: [{ id: `${ID}:${seq}`, status: "open" }],
			index: { status: "needs_attention", needs_attention: 1, failure_code: "x", open_episode: `${ID}:${seq}` },
		};
		expect(fired(obs)).toEqual([]);
		const missing = structuredClone(obs);
		missing.d1 = { ...obs.d1, deadLetters: [] };
		expect(fired(missing)).toEqual(["dead-letters"]);
		const twice = structuredClone(obs);
		twice.d1 = {
			...obs.d1,
			deadLetters: [
				{ id: `${ID}:${seq}`, status: "open" },
				{ id: `${ID}:${seq}`, status: "open" },
			],
		};
		expect(fired(twice)).toEqual(["dead-letters"]);
		// Resolved: the episode must be closed too.
		const resolved = structuredClone(obs);
		resolved.history.push({
			seq: seq + 1,
			at: "",
			type: "operator_action",
			action: "resolve",
			actor: "op",
			reason: "r",
			requestKey: null,
			steps: [],
		} as HistoryEntry);
		(resolved.status as OrderStatus).status = "resolved";
		(resolved.status as OrderStatus).needsAttention = false;
		resolved.d1 = {
			...obs.d1,
			index: { status: "resolved", needs_attention: 0, failure_code: "x", open_episode: null },
		};
		expect(fired(resolved)).toEqual(["dead-letters"]);
		const clean = completed();
		clean.d1 = { ...(clean.d1 as NonNullable<Observation["d1"]>), deadLetters: [{ id: `${ID}:99`, status: "open" }] };
		expect(fired(clean)).toEqual(["dead-letters"]);
	});

	it("index: the row shows what the object shows, and exists", () => {
		const stale = completed();
		stale.d1 = {
			deadLetters: [],
			index: { status: "waiting", needs_attention: 0, failure_code: null, open_episode: null },
		};
		expect(fired(stale)).toEqual(["index"]);
		const lost = completed();
		lost.d1 = { deadLetters: [], index: null };
		expect(fired(lost)).toEqual(["index"]);
	});

	it("timers: a failed question asked again before its retryAt", () => {
		const obs = completed();
		const question = (seq: number, at: string, retryAt: string | null) =>
			({ seq, at, type: "step_verified", step: "x", answer: "unknown", fence: 1, retryAt }) as unknown as HistoryEntry;
		obs.history.push(question(90, "2026-11-26T10:00:00.000Z", "2026-11-26T10:00:02.000Z"));
		obs.history.push(question(91, "2026-11-26T10:00:01.000Z", null));
		expect(fired(obs)).toContain("timers");
	});

	it("timers: a retry, a reminder, a missed deadline or a stuck alert recorded before its due time", () => {
		const base = Date.parse("2026-11-26T10:00:00.000Z");
		const iso = (ms: number) => new Date(base + ms).toISOString();
		const timed = (...events: [number, Record<string, unknown>][]) => {
			const obs = completed();
			const next = obs.history.length;
			obs.history.push(...events.map(([at, e], i) => ({ seq: next + i + 1, at: iso(at), ...e }) as HistoryEntry));
			return fired(obs);
		};
		const failed = { type: "step_failed", step: "s", attempt: 1, error: { kind: "retryable", code: "c", message: "" } };
		const started = {
			type: "step_started",
			step: "s",
			attempt: 2,
			idempotencyKey: `${ID}:s`,
			timeoutAt: "1970-01-01T00:00:00.000Z",
		};
		expect(timed([0, { ...failed, retryAt: iso(1000) }], [999, started])).toEqual(["timers"]);
		expect(timed([0, { ...failed, retryAt: iso(1000) }], [1000, started])).toEqual([]);
		const waiting = { type: "event_waiting", step: "pick", deadline: iso(2000), remindAt: iso(1000) };
		expect(timed([0, waiting], [999, { type: "event_reminder", step: "pick", deadline: iso(2000) }])).toEqual([
			"timers",
		]);
		const missed = { type: "step_failed", step: "pick", attempt: 0, retryAt: null };
		const deadline = { ...missed, error: { kind: "permanent", code: "pick_deadline_exceeded", message: "" } };
		expect(timed([0, waiting], [1999, deadline])).toEqual(["timers"]);
		expect(timed([0, waiting], [2000, deadline])).toEqual([]);
		const cancelled = { ...missed, error: { kind: "permanent", code: "cancelled", message: "" } };
		expect(timed([0, waiting], [5, cancelled])).toEqual([]);
		const sla = { ...started, attempt: 1, stuckAt: iso(900) };
		expect(timed([0, sla], [899, { type: "step_stuck", step: "s", since: iso(0), attempts: 3 }])).toEqual(["timers"]);
	});

	it("clock: an entry stamped ahead of the order's clock, seen at the write", () => {
		const plan = new CrashPlan([]);
		const entry = { seq: 1, at: 2_000, type: "point_of_no_return" } as const;
		plan.decide({ at: "committed", entries: [entry] }, 2_000);
		expect(plan.incidents).toEqual([]);
		plan.decide({ at: "committed", entries: [{ ...entry, seq: 2 }] }, 1_999);
		expect(plan.incidents.map((i) => i.invariant)).toEqual(["clock"]);
	});

	it("pick-commits: a pick answered 202, then the order cancelled, compensated, or its shipment cancelled", () => {
		const picked = (status: string) => {
			const obs = unconfirmed(withStatus(completed(), status));
			obs.answers = [{ action: "pick (during a call)", status: 202, interleaved: true }];
			return obs;
		};
		expect(fired(picked("completed")).filter((i) => i === "pick-commits")).toEqual([]);
		expect(fired(picked("cancelled"))).toContain("pick-commits");
		expect(fired(picked("compensated"))).toContain("pick-commits");
		const both = picked("completed");
		both.answers.push({ action: "cancel", status: 202, interleaved: false });
		expect(fired(both)).toContain("pick-commits");
		const cancelledShipment = picked("completed");
		cancelledShipment.ledger.shipmentCancellations.push(effect("sc", "schedule-shipping:undo"));
		expect(fired(cancelledShipment)).toContain("pick-commits");
	});

	it("cannot-pick: a cannot-pick answered 202, then the order completed or confirmed, or a pick accepted beside it", () => {
		const refused = (status: string) => {
			const obs = withStatus(completed(), status);
			obs.answers = [{ action: "cannot-pick (genuine)", status: 202, interleaved: false }];
			return obs;
		};
		expect(fired(refused("completed"))).toContain("cannot-pick");
		const undone = unconfirmed(withStatus(completed(), "needs_attention"));
		undone.answers = [{ action: "cannot-pick (genuine)", status: 202, interleaved: false }];
		expect(fired(undone)).not.toContain("cannot-pick");
		undone.answers.push({ action: "pick (racing)", status: 202, interleaved: false });
		expect(fired(undone)).toContain("cannot-pick");
		expect(fired(undone)).toContain("pick-commits");
	});

	it("answered-doubt: a step left in doubt after its service answered", () => {
		const obs = unconfirmed(withStatus(completed(), "needs_attention"));
		const [started] = obs.history;
		const at = "2026-11-26T10:00:00.000Z";
		const lost = { kind: "unknown_outcome", code: "timeout", message: "" };
		obs.history = [
			started as HistoryEntry,
			{ seq: 2, at, type: "step_failed", step: "charge-payment", attempt: 1, error: lost, retryAt: null },
		] as HistoryEntry[];
		(obs.status as OrderStatus).workflowVersion = 2;
		(obs.status as OrderStatus).failure = { step: "charge-payment", code: "outcome_unknown", message: "" };
		expect(fired(obs)).not.toContain("answered-doubt");
		const answered = {
			seq: 3,
			at,
			type: "step_verified",
			step: "charge-payment",
			answer: "absent",
			fence: 1,
			retryAt: null,
		};
		obs.history.push(answered as HistoryEntry);
		expect(checkInvariants(obs).map((x) => x.message)).toContain(
			"charge-payment needs a person though it was answered",
		);
		obs.history[2] = { ...answered, answer: "unknown", error: lost } as HistoryEntry;
		expect(fired(obs)).not.toContain("answered-doubt");
	});

	it("journal-effects and fence: an effect its service said was absent, a fence refusing an attempt that was not late", () => {
		const obs = completed();
		const at = "2026-11-26T10:00:00.000Z";
		obs.history = obs.history.filter((e) => !("step" in e) || e.step !== "charge-payment");
		obs.history.push({
			seq: 99,
			at,
			type: "step_verified",
			step: "charge-payment",
			answer: "absent",
			fence: 1,
			retryAt: null,
		} as HistoryEntry);
		expect(fired(obs)).toContain("journal-effects");
		const fenced = completed();
		const request = {
			...(fenced.ledger.requests[0] as Ledger["requests"][number]),
			status: 422,
			code: "idempotency_key_fenced",
		};
		fenced.ledger.requests.push(request);
		expect(fired(fenced)).toContain("fence");
		fenced.ledger.requests[fenced.ledger.requests.length - 1] = { ...request, fault: "arrive_late" };
		expect(fired(fenced)).not.toContain("fence");
	});

	it("personal-data: in the journal, erased too early or not at all, or still stored after its erasure", () => {
		const inJournal = completed();
		inJournal.stored.journal = '[{"events":"{\\"email\\":\\"ada@example.com\\"}"}]';
		expect(fired(inJournal)).toEqual(["personal-data"]);
		const noTimer = completed();
		noTimer.alarm = null;
		expect(fired(noTimer)).toEqual(["personal-data"]);

		const erasedAfter = (days: number) => {
			const obs = completed();
			const seq = obs.history.length;
			const finishedAt = Date.parse("2026-11-26T10:00:00.000Z");
			obs.history.push(
				{
					seq: seq + 1,
					at: new Date(finishedAt).toISOString(),
					type: "workflow_finished",
					status: "completed",
					failure: null,
				} as HistoryEntry,
				{
					seq: seq + 2,
					at: new Date(finishedAt + days * 86_400_000).toISOString(),
					type: "data_erased",
					fields: [],
					reason: "retention",
				} as HistoryEntry,
			);
			obs.status = {
				...(obs.status as OrderStatus),
				customer: { id: "cus_1", email: "[erased]" },
				shippingAddress: "[erased]",
			};
			obs.stored.all = '[{"digest":"x","data":null}]';
			obs.alarm = null;
			return obs;
		};
		expect(fired(erasedAfter(30))).toEqual([]);
		expect(checkInvariants(erasedAfter(29)).map((x) => x.message)).toEqual([
			"the erasure at 2026-12-25T10:00:00.000Z, before its due time 2026-12-26T10:00:00.000Z",
		]);
		const leftBehind = erasedAfter(30);
		leftBehind.stored.all = completed().stored.all;
		expect(fired(leftBehind)).toEqual(["personal-data"]);
	});

	it("erasure: a customer's data a downstream repeated, in a dead letter, an alert, or stored after erasure", () => {
		const inDeadLetter = completed();
		(inDeadLetter.d1 as NonNullable<Observation["d1"]>).deadLetters.push({
			message: "mailbox ADA@example.com unknown",
		});
		expect(fired(inDeadLetter)).toContain("erasure");
		const inAlert = completed();
		inAlert.ledger.alerts.push(effect("al", "alert", { text: "delivery to 12 St James's Square refused" }));
		expect(fired(inAlert)).toEqual(["erasure"]);
		const afterErasure = completed();
		afterErasure.history.push({
			seq: 99,
			at: "",
			type: "data_erased",
			fields: [],
			reason: "retention",
		} as HistoryEntry);
		afterErasure.stored.all = '[{"events":"...SW1Y 4JH..."}]';
		expect(fired(afterErasure)).toContain("personal-data");
	});

	it("justified-attention: needs attention with nothing left to undo and nothing in doubt", () => {
		const clean = withStatus(completed(), "needs_attention");
		(clean.status as OrderStatus).failure = { step: "charge-payment:undo", code: "http_500", message: "" };
		clean.ledger = { ...clean.ledger, charges: [], reservations: [], shipments: [], emails: [] };
		clean.ledger.requests = [];
		clean.history = [];
		expect(fired(clean)).toContain("justified-attention");
		// With an effect left, or a step in doubt, a person has something to decide.
		const charged = withStatus(completed(), "needs_attention");
		expect(fired(charged)).not.toContain("justified-attention");
	});

	it("alerts: a stuck alert twice in one budget, an alert posted twice or never", () => {
		const stuck = completed();
		const n = stuck.history.length;
		const alarm = (seq: number) =>
			({ seq, at: "", type: "step_stuck", step: "reserve-inventory", since: "", attempts: 3 }) as HistoryEntry;
		stuck.history.push(alarm(n + 1), alarm(n + 2));
		const post = (seq: number) => ({
			operation: "alert",
			orderId: ID,
			idempotencyKey: `${ID}:${seq}`,
			status: 200,
			code: null,
			fault: null,
			traceparent: null,
		});
		stuck.ledger.requests.push(post(n + 1), post(n + 2));
		expect(checkInvariants(stuck).map((x) => x.message)).toEqual([
			"2 stuck alerts for reserve-inventory in budget 0, not one",
		]);
		const twice = completed();
		twice.history.push(alarm(n + 1));
		twice.ledger.requests.push(post(n + 1), post(n + 1));
		expect(fired(twice)).toEqual(["alerts"]);
		const never = completed();
		never.history.push(alarm(n + 1));
		expect([...new Set(checkInvariants(never).map((x) => x.invariant))]).toEqual(["alerts"]);
	});

	it("every kind of effect is counted", () => {
		for (const kind of KINDS) {
			const obs = completed();
			obs.ledger[kind].push(effect(`${kind}2`, "x"));
			expect(fired(obs)).toContain("no-double-effect");
		}
	});
});

describe("what only the world can tell", () => {
	const probe = (over: Partial<Probe>): Probe => ({
		busy: false,
		status: "running",
		alarm: 1,
		nextWakeAt: null,
		heldBy: [],
		inDoubt: false,
		calls: 0,
		paused: false,
		...over,
	});

	it("liveness: an unfinished order with no alarm, a step held long after its breaker closed", () => {
		const noAlarm = [{ orderId: "w-1", probe: probe({ alarm: null }), owesRedelivery: false }];
		expect(livenessOf(noAlarm, new Map(), 0).map((x) => x.invariant)).toEqual(["liveness"]);
		// A crash cut its alarm handler off: the platform delivers it again, so no alarm is due yet.
		expect(livenessOf([{ ...noAlarm[0], owesRedelivery: true } as (typeof noAlarm)[0]], new Map(), 0)).toEqual([]);
		const held = [{ orderId: "w-1", probe: probe({ heldBy: ["payments"] }), owesRedelivery: false }];
		const closed = new Map([[platform.breaker("payments", "w-1"), 1_000]]);
		// Paused, with nothing timed to wait for: its resume wakes it, no alarm owed; with a deadline, one is.
		const paused = { orderId: "w-1", probe: probe({ alarm: null, paused: true }), owesRedelivery: false };
		expect(livenessOf([paused], new Map(), 0)).toEqual([]);
		paused.probe.nextWakeAt = 5_000;
		expect(livenessOf([paused], new Map(), 0).map((x) => x.invariant)).toEqual(["liveness"]);
		expect(livenessOf(held, closed, 5_000)).toEqual([]);
		expect(livenessOf(held, closed, 60_000).map((x) => x.message)).toEqual([
			"w-1 still held by payments 59 s after it closed",
		]);
		// Its breaker opened again since it was seen closed: seen now, it holds the step rightly (a stale
		// sighting made fleet 985620705#262 report a hold its breaker had just made).
		const name = platform.breaker("payments", "w-1");
		const seen = (state: BreakerRecord["state"]) => [
			{ name, downstream: "payments", record: { state, episode: 2 } as BreakerRecord, held: 1, owed: 0 },
		];
		noteClosed(closed, seen("open"), 60_000);
		expect(livenessOf(held, closed, 60_000)).toEqual([]);
		noteClosed(closed, seen("closed"), 61_000);
		expect(closed.get(name)).toBe(61_000);
	});

	it("alerts: one opening and one closing per breaker episode, each posted once", () => {
		const record = { state: "closed", episode: 2 } as BreakerRecord;
		const breaker = { name: "payments@w", downstream: "payments", record, held: 0, owed: 0 };
		const post = (id: string) => ({
			operation: "alert",
			orderId: "",
			idempotencyKey: id,
			status: 200,
			code: null,
			fault: null,
			traceparent: null,
		});
		const ids = expectedBreakerAlerts(breaker);
		expect(ids).toEqual([
			"breaker:payments@w:1:opened",
			"breaker:payments@w:1:closed",
			"breaker:payments@w:2:opened",
			"breaker:payments@w:2:closed",
		]);
		expect(breakerAlerts([breaker], ids.map(post))).toEqual([]);
		// The second episode's closing never posted (a pause and resume that announced nothing), and one posted twice.
		const missing = ids.filter((id) => id !== "breaker:payments@w:2:closed").map(post);
		expect(breakerAlerts([breaker], [...missing, post("breaker:payments@w:1:opened")]).map((x) => x.message)).toEqual([
			"breaker:payments@w:1:opened was posted 2 times, not once",
			"breaker:payments@w:2:closed was posted 0 times, not once",
		]);
		// Still open: its closing is not owed yet.
		expect(expectedBreakerAlerts({ ...breaker, record: { ...record, state: "open" } })).toHaveLength(3);
	});
});

describe("a world's own checks", () => {
	const world = (over: Partial<WorldObservation> = {}): WorldObservation => {
		const order = posted(completed());
		return {
			spec: worldOf(order.spec),
			orders: [order],
			breakers: [],
			nudges: {},
			incidents: [],
			log: [],
			elapsedMs: 0,
			...over,
		};
	};
	const firedIn = (obs: WorldObservation) => [...new Set(checkWorld(obs, []).map((x) => x.invariant))];

	it("a clean world passes", () => {
		expect(firedIn(world())).toEqual([]);
	});

	it("answered-doubt: an order of version 2 sent to a person in doubt without its service being asked", () => {
		const obs = world();
		const order = obs.orders[0] as Observation;
		order.status = {
			...(order.status as OrderStatus),
			status: "needs_attention",
			workflowVersion: 2,
			failure: { step: "charge-payment", code: "outcome_unknown", message: "" },
		};
		expect(firedIn(obs)).toContain("answered-doubt");
		expect(firedIn({ ...obs, spec: { ...obs.spec, withoutVerify: true } })).not.toContain("answered-doubt");
	});

	it("breaker-in-time: an outage after busy traffic failed many calls before the breaker held an order", () => {
		const obs = world();
		obs.spec.heldThrough = "inventory";
		obs.spec.config = { BREAKER_FAILURES: "3" };
		const order = obs.orders[0] as Observation;
		const entry = (type: string, second: number) =>
			({
				seq: order.history.length + 1,
				at: new Date(Date.UTC(2026, 10, 26, 10, 0, second)).toISOString(),
				type,
				step: "reserve-inventory",
				attempt: 1,
				error: { kind: "unknown_outcome", code: "http_503", message: "" },
				retryAt: null,
				downstream: "inventory",
			}) as unknown as HistoryEntry;
		for (let second = 0; second < 7; second++) order.history.push(entry("step_failed", second));
		order.history.push(entry("step_held", 8));
		expect(heldInTime(obs)).toEqual([]);
		order.history.push(entry("step_failed", 9), entry("step_failed", 10));
		expect(heldInTime(obs)).toEqual([]);
		order.history.splice(order.history.length - 3, 1);
		expect(heldInTime(obs).map((x) => x.message)).toEqual([
			"9 calls to inventory failed before its breaker held an order (at most 7)",
		]);
		// Only a world that says its orders are held through the outage is judged.
		obs.spec.heldThrough = undefined;
		expect(heldInTime(obs)).toEqual([]);
	});

	it("liveness: the sweeper nudged an order whose alarm works more than a few times", () => {
		expect(firedIn(world({ nudges: { [ID]: 3 } }))).toEqual([]);
		expect(firedIn(world({ nudges: { [ID]: 4 } }))).toEqual(["liveness"]);
	});

	it("versions: after a deploy of versions, an order whose journal or shipment shows the other version's code", () => {
		const deployed = world();
		deployed.spec.events = [{ kind: "deploy", change: { versions: "add-v2" }, when: { on: "calls", n: 1 } }];
		const order = deployed.orders[0] as Observation;
		(order.status as OrderStatus).workflowVersion = 1;
		const wait = (events?: string[]) =>
			({
				seq: order.history.length + 1,
				at: "2026-11-26T10:00:00.000Z",
				type: "event_waiting",
				step: "w",
				events,
			}) as unknown as HistoryEntry;
		order.history.push(wait());
		expect(firedIn(deployed)).toEqual([]);
		order.history.push(wait(["warehouse-picked", "warehouse-cannot-pick"]));
		expect(firedIn(deployed)).toEqual(["versions"]);
		order.history.pop();
		order.ledger.shipments = [
			effect("sh", "schedule-shipping", { cannotPick: { callbackUrl: "x", callbackToken: "t" } }),
		];
		expect(firedIn(deployed)).toEqual(["versions"]);
	});
});
