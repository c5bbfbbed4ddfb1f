import type { CaseSpec } from "./case";
import type { OutageSpec } from "./families";

export type Downstream = OutageSpec["downstream"];

/**
 * When a world event happens, looked at whenever everything in the world rests:
 * - `calls`: once `n` downstream calls of the world's orders have left;
 * - `state`: once order `order` (or every one of several) is so (`in-doubt`: a step of it may have taken
 *   effect, with no answer since);
 * - `after`: `ms` of the world's clock after event `event` happened (0: right after it).
 */
export type Trigger =
	| { on: "calls"; n: number }
	| { on: "state"; order: number | number[]; state: "held" | "waiting" | "in-doubt" | "finished" | "needs_attention" }
	| { on: "after"; event: number; ms: number };

/** What a deploy changes: a setting, as an operator following the README would, or the workflow versions. */
export type DeployChange = { config: "rotate-secret" | "base-url" | "api-key" } | { versions: "add-v2" | "remove-v1" };

/** Something that happens to the world, beside its orders' own stories. */
export type WorldEvent =
	/** An operator pauses or resumes a downstream at its breaker. */
	| { kind: "pause" | "resume"; downstream: Downstream; when: Trigger }
	/**
	 * The rest of the deployment's calls to a downstream, answered: `successes` reported to its breaker as
	 * other isolates' orders would report them (busy traffic just before an outage, in the same window).
	 */
	| { kind: "traffic"; downstream: Downstream; successes: number; when: Trigger }
	/** The breaker object of a downstream crashes (memory gone; its storage and alarm stay). */
	| { kind: "crash-breaker"; downstream: Downstream; when: Trigger }
	/** A deploy: every object restarts with the change. */
	| { kind: "deploy"; change: DeployChange; when: Trigger }
	/** The customer cancels order `order`. */
	| { kind: "cancel"; order: number; when: Trigger }
	/** An operator redrives every order of the world that needs attention, with the bulk API. */
	| { kind: "bulk-redrive"; when: Trigger }
	/** An operator pauses, resumes or terminates order `order` itself, through the API. */
	| { kind: OrderAction; order: number; when: Trigger };

/** What an operator does to one order of the world, and the API action that does it. */
export const ORDER_ACTIONS = { "pause-order": "pause", "resume-order": "resume", terminate: "terminate" } as const;
export type OrderAction = keyof typeof ORDER_ACTIONS;

/**
 * One case of the simulation: a world of orders on one clock. A single order is a world of one, with
 * breakers of its own; a fleet shares one breaker per downstream between its orders.
 */
export interface WorldSpec {
	id: string;
	/** The world's name: its clock, its shared breakers' scope, and the prefix of its orders' ids. */
	name: string;
	orders: CaseSpec[];
	/** The orders share one breaker per downstream (a fleet), or each has its own. */
	shared: boolean;
	events: WorldEvent[];
	/** Order `i` is placed once its trigger holds (an order placed after a deploy); absent: at once. */
	placeWhen: Partial<Record<number, Trigger>>;
	/** The Cron Trigger's sweeper runs whenever a minute of the world's clock has passed. */
	sweeps: boolean;
	/** Settings of the world's own, from the start (a fleet's breaker thresholds): vars as in wrangler.jsonc. */
	config?: Record<string, string>;
	/**
	 * Its orders' calls to this downstream fail only while its breaker has not yet opened: each order must be
	 * held with budget left, never run out of it on the outage (see `heldInTime`).
	 */
	heldThrough?: Downstream;
	/** The world runs the code as it was before services could be asked about a doubt (every `verify` dropped). */
	withoutVerify?: boolean;
}

/** A single order's case as a world of one: its outage window becomes a pause and a resume. */
export function worldOf(spec: CaseSpec, extra: Partial<WorldSpec> = {}): WorldSpec {
	const events: WorldEvent[] = spec.outage
		? [
				{ kind: "pause", downstream: spec.outage.downstream, when: { on: "calls", n: spec.outage.afterCalls } },
				{ kind: "resume", downstream: spec.outage.downstream, when: { on: "after", event: 0, ms: spec.outage.forMs } },
			]
		: [];
	return {
		id: spec.id,
		name: spec.orderId,
		orders: [spec],
		shared: false,
		events,
		placeWhen: {},
		sweeps: false,
		...extra,
		...(extra.events ? { events: [...events, ...extra.events] } : {}),
	};
}
