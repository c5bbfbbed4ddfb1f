import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/order/status";
import type { Effect, Ledger } from "../helpers";
import type { HistoryEntry, Observation } from "./case";
import { checkInvariants } from "./invariants";

// The checker must fail when it should: each test below breaks one promise in an otherwise clean
// observation of a completed order and expects exactly that invariant to fire.

const ID = "inv-1";
const STEPS = ["charge-payment", "reserve-inventory", "schedule-shipping", "send-confirmation"] as const;
const OPS = ["charge", "reserve", "ship", "send"] as const;
const KINDS = ["charges", "reservations", "shipments", "emails"] as const;

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
		entry({ type: "step_started", step, attempt: 1, idempotencyKey: `${ID}:${step}`, timeoutAt: 0 }),
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
		})),
	};
	return {
		spec: {
			id: "self-test",
			orderId: ID,
			order: "standard",
			faults: [],
			crashes: [],
			warehouse: "picks",
			restCrashes: null,
		},
		status: {
			status: "completed",
			needsAttention: false,
			totalCents: 3499,
			failure: null,
			steps: [],
		} as unknown as OrderStatus,
		history,
		ledger,
		alarm: null,
		accepted: true,
		trace: [],
		checkpoints: { committed: 0, returned: 0 },
		crashes: 0,
		incidents: [],
		notes: [],
		calls: [],
		deadLetters: null,
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

const fired = (obs: Observation) => [...new Set(checkInvariants(obs).map((v) => v.invariant))];
const withStatus = (obs: Observation, status: string) => {
	obs.status = { ...(obs.status as OrderStatus), status: status as OrderStatus["status"] };
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

	it("(2) money: a refund on a completed order, a charge left on a compensated one", () => {
		const refunded = completed();
		refunded.ledger.refunds.push(effect("re", "charge-payment:undo", { amountCents: 3499 }));
		expect(fired(refunded)).toContain("money");
		expect(fired(withStatus(completed(), "compensated"))).toContain("money");
		expect(fired(withStatus(completed(), "needs_attention"))).toEqual([]);
	});

	it("(3) stock and shipment: a reservation or a shipment left on a compensated order", () => {
		const obs = unconfirmed(withStatus(completed(), "compensated"));
		obs.ledger.refunds.push(effect("re", "charge-payment:undo", { amountCents: 3499 }));
		expect(fired(obs)).toEqual(["stock"]);
	});

	it("(4) an order that does not rest, or waits without an alarm, or vanished after it was accepted", () => {
		expect(fired(withStatus(completed(), "running"))).toContain("settled");
		const waiting = unconfirmed(withStatus(completed(), "waiting"));
		const deadline = Date.now() + 3600_000;
		(waiting.status as OrderStatus).waitingFor = {
			event: "warehouse-picked",
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
				retryAt: 1,
			}) as HistoryEntry;
		const started = (attempt: number) =>
			({
				seq: 100 + attempt,
				at: "",
				type: "step_started",
				step: "reserve-inventory",
				attempt,
				idempotencyKey: `${ID}:reserve-inventory`,
				timeoutAt: 0,
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

	it("needs attention: exactly one dead letter; otherwise none (when the hook gives a count)", () => {
		const obs = withStatus(completed(), "needs_attention");
		(obs.status as OrderStatus).needsAttention = true;
		expect(fired(obs)).toEqual([]);
		obs.deadLetters = 0;
		expect(fired(obs)).toEqual(["dead-letters"]);
		obs.deadLetters = 2;
		expect(fired(obs)).toEqual(["dead-letters"]);
		obs.deadLetters = 1;
		expect(fired(obs)).toEqual([]);
		const clean = completed();
		clean.deadLetters = 1;
		expect(fired(clean)).toEqual(["dead-letters"]);
	});

	it("every kind of effect is counted", () => {
		for (const kind of KINDS) {
			const obs = completed();
			obs.ledger[kind].push(effect(`${kind}2`, "x"));
			expect(fired(obs)).toContain("no-double-effect");
		}
	});
});
