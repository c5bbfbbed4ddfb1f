import type { DatabaseFault, QueueFault } from "../platform-faults";
import type { CaseSpec } from "./case";
import { EFFECT_THEN_ERROR } from "./faults";
import type { WorldSpec } from "./world-spec";

/**
 * The fault families the harness generates, as chaos-report.json counts them (a case counts in each
 * family it draws from). `verify` is the newest: originals that arrive after the service was asked
 * about their key, and faults on the questions themselves. The next three are where features meet the
 * fleet: several orders sharing breakers (`fleet`), a deploy between two wakes of an order (`deploy`),
 * and downstream answers that repeat the customer's data (`personal_data`); the next five are an
 * earlier review's blind spots, then the breakers'; the rest were there before.
 */
export const FAMILIES = [
	"verify",
	"fleet",
	"deploy",
	"personal_data",
	"effect_then_error",
	"infrastructure",
	"concurrency",
	"eviction_mid_call",
	"timing",
	"outage",
	"downstream_faults",
	"people",
	"business",
	"crashes",
] as const;
export type Family = (typeof FAMILIES)[number];

/** A fault in the platform around the order: its queue sends, or the D1 writes about it (test/platform-faults.ts). */
export type PlatformFaultSpec =
	| { on: "queue"; kind: QueueFault; times: number }
	| { on: "database"; kind: DatabaseFault; times: number };

/** What can arrive while one of the order's downstream calls is in flight (`poll-held`: a read with `Prefer: wait`). */
export const INTERLEAVED = ["pick", "cancel", "retry", "resolve", "place-again", "poll", "poll-held", "alarm"] as const;
export type Interleaved = (typeof INTERLEAVED)[number];

/**
 * `action` arrives while the order's `call`-th downstream call (1-based, over its life) is in flight,
 * or, `during: "admission"`, while its `call`-th question to a breaker is (answers held back a moment).
 */
export interface Interleave {
	call: number;
	action: Interleaved;
	during?: "call" | "admission";
}

/** The object is reset while its `n`-th downstream call, or its `n`-th notification hand-over, is in flight. */
export interface MidCallCrash {
	during: "calling" | "handing_over";
	n: number;
}

/**
 * How the driver delivers alarms in the timing family, beyond "at its scheduled time": sometimes
 * late (the clock jumps past it), sometimes early (a delivery before anything is due, which must
 * change nothing), sometimes to a fresh instance (the object evicted first). Drawn from `seed`.
 */
export interface TimingSpec {
	seed: number;
	lateChance: number;
	maxLateMs: number;
	earlyChance: number;
	evictChance: number;
}

/**
 * A window in which the order's `downstream` is paused at its breaker (an outage as the breaker sees
 * it): from when the order's `afterCalls`-th downstream call has left, for `forMs` of real time.
 */
export interface OutageSpec {
	downstream: "payments" | "inventory" | "shipping" | "email";
	afterCalls: number;
	forMs: number;
}

/** The families a world draws from: each of its orders', a fleet's, and a deploy's. */
export function worldFamilies(world: WorldSpec): Family[] {
	const member = new Set(world.orders.flatMap(familiesOf));
	if (world.shared && world.orders.length > 1) member.add("fleet");
	if (world.events.some((e) => e.kind === "deploy")) member.add("deploy");
	if (world.events.some((e) => e.kind === "pause" || e.kind === "crash-breaker" || e.kind === "traffic"))
		member.add("outage");
	if (
		world.events.some(
			(e) =>
				e.kind !== "pause" &&
				e.kind !== "resume" &&
				e.kind !== "crash-breaker" &&
				e.kind !== "deploy" &&
				e.kind !== "traffic",
		)
	)
		member.add("people");
	return FAMILIES.filter((family) => member.has(family));
}

export function familiesOf(spec: CaseSpec): Family[] {
	const effectThenError = spec.faults.some((f) => EFFECT_THEN_ERROR.includes(f.kind));
	const downstream = spec.faults.some((f) => !EFFECT_THEN_ERROR.includes(f.kind));
	const member: Record<Family, boolean> = {
		verify: spec.faults.some((f) => f.asked || f.kind === "arrives_late"),
		fleet: false,
		deploy: false,
		personal_data: spec.faults.some((f) => f.echo),
		effect_then_error: effectThenError,
		infrastructure: spec.platform.length > 0,
		concurrency: spec.interleave.length > 0,
		eviction_mid_call: spec.midCall.length > 0,
		timing: spec.timing !== null,
		outage: spec.outage !== null,
		downstream_faults: downstream,
		people: spec.warehouse !== "picks",
		business: spec.order !== "standard",
		crashes: spec.crashes.length > 0 || spec.restCrashes !== null,
	};
	return FAMILIES.filter((family) => member[family]);
}
