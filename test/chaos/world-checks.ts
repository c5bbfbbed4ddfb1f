import type { Ledger } from "../helpers";
import type { Observation, Violation } from "./case";
import type { WorldObservation } from "./driver";
import { checkInvariants } from "./invariants";
import type { BreakerSeen } from "./simulation";
import { askedBeforeAPerson } from "./verify-checks";

/** How often the sweeper may nudge an order whose alarm works: a few, when its index lagged behind. */
const NUDGES = 3;
/** The same, for an order whose queue or D1 faults kept its index behind for a while. */
const NUDGES_UNDER_FAULTS = 20;

const v = (invariant: string, message: string): Violation => ({ invariant, message });

/** The alerts a breaker owes: one opening per episode, and its closing once the breaker closed again. */
export function expectedBreakerAlerts(breaker: BreakerSeen): string[] {
	const { record, name } = breaker;
	if (!record) return [];
	const ids: string[] = [];
	for (let episode = 1; episode <= record.episode; episode++) {
		ids.push(`breaker:${name}:${episode}:opened`);
		if (episode < record.episode || record.state === "closed") ids.push(`breaker:${name}:${episode}:closed`);
	}
	return ids;
}

/**
 * (alerts) One `downstream_opened` and one `downstream_closed` per breaker episode, each posted once:
 * the alert sink saw exactly the expected ids, each one time.
 */
export function breakerAlerts(breakers: readonly BreakerSeen[], posted: Ledger["requests"]): Violation[] {
	const out: Violation[] = [];
	for (const breaker of breakers) {
		const expected = expectedBreakerAlerts(breaker);
		const seen = posted.filter((r) => r.idempotencyKey.startsWith(`breaker:${breaker.name}:`));
		for (const id of expected) {
			const n = seen.filter((r) => r.idempotencyKey === id).length;
			if (n !== 1) out.push(v("alerts", `${id} was posted ${n} times, not once`));
		}
		for (const r of seen)
			if (!expected.includes(r.idempotencyKey)) out.push(v("alerts", `${r.idempotencyKey} was posted for no episode`));
	}
	return out;
}

/**
 * (versions) An order ran, from start to end, on the version it started with, as its own journal and
 * the shipment it booked tell which code ran it: version 2 waits for either of the warehouse's answers
 * and books the shipment with a cannot-pick callback; version 1 waits for the pick alone, and books none.
 */
function versions(orders: readonly Observation[]): Violation[] {
	return orders.flatMap(({ spec, status, history, ledger }) => {
		if (!status) return [];
		const version = status.workflowVersion;
		const ranAs = (v2: boolean, what: string) =>
			v2 === (version === 2) ? [] : [v("versions", `${spec.orderId} started on version ${version}, yet ${what}`)];
		const waits = history.flatMap((e) =>
			e.type === "event_waiting"
				? ranAs(e.events !== undefined, `it waited for ${e.events?.join(" or ") ?? e.step}`)
				: [],
		);
		const shipments = ledger.shipments.flatMap((s) =>
			ranAs(
				s.data.cannotPick !== undefined,
				`its shipment ${s.id} was booked ${s.data.cannotPick ? "with" : "without"} a cannot-pick callback`,
			),
		);
		return [...waits, ...shipments];
	});
}

/** The step that calls each downstream first: the one its outage hits. */
const FORWARD_STEP = {
	payments: "charge-payment",
	inventory: "reserve-inventory",
	shipping: "schedule-shipping",
	email: "send-confirmation",
} as const;

/**
 * (breaker-in-time) An outage for everybody opens the breaker soon, whatever the rest of the
 * deployment's traffic made of its window: before it first holds an order, at most about twice its
 * threshold of calls failed (its threshold in a row opens it; each order may have had one in flight).
 * Counted only as a share of a busy window, they would all have run their budgets out first.
 */
export function heldInTime(obs: WorldObservation): Violation[] {
	const down = obs.spec.heldThrough;
	if (!down) return [];
	const step = FORWARD_STEP[down];
	const threshold = Number(obs.spec.config?.BREAKER_FAILURES ?? 10);
	const entries = obs.orders.flatMap((o) => o.history).filter((e) => "step" in e && e.step === step);
	const holds = entries.filter((e) => e.type === "step_held").map((e) => Date.parse(e.at));
	const firstHold = holds.length > 0 ? Math.min(...holds) : Number.POSITIVE_INFINITY;
	const failed = entries.filter((e) => e.type === "step_failed" && Date.parse(e.at) < firstHold).length;
	const bound = 2 * threshold + obs.orders.length;
	return failed > bound
		? [v("breaker-in-time", `${failed} calls to ${down} failed before its breaker held an order (at most ${bound})`)]
		: [];
}

/** (liveness) The sweeper nudges an order only when its own alarm would not have come, a bounded number of times. */
function nudges(obs: WorldObservation): Violation[] {
	return obs.spec.orders.flatMap((order) => {
		const n = obs.nudges[order.orderId] ?? 0;
		const bound = order.platform.length > 0 ? NUDGES_UNDER_FAULTS : NUDGES;
		return n > bound ? [v("liveness", `the sweeper nudged ${order.orderId} ${n} times (at most ${bound})`)] : [];
	});
}

/**
 * Every invariant of a world: each order's own (named by order when there are several), what the
 * world saw on the way (liveness, a stuck world), and what only the world can tell (breaker alerts,
 * the sweeper's nudges, versions after a deploy).
 */
export function checkWorld(obs: WorldObservation, breakerPosts: Ledger["requests"]): Violation[] {
	const several = obs.orders.length > 1;
	const perOrder = obs.orders.flatMap((order) =>
		checkInvariants(order).map((x) => (several ? { ...x, message: `${order.spec.orderId}: ${x.message}` } : x)),
	);
	const deployed = obs.spec.events.some((e) => e.kind === "deploy" && "versions" in e.change);
	return [
		...perOrder,
		...obs.incidents,
		...breakerAlerts(obs.breakers, breakerPosts),
		...nudges(obs),
		...heldInTime(obs),
		...(deployed ? versions(obs.orders) : []),
		...(obs.spec.withoutVerify ? [] : obs.orders.flatMap(askedBeforeAPerson)),
	];
}
