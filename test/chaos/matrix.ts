import { caseSpec, type OrderKind } from "./case";
import { type CrashPoint, crashLabel, parseCrashLabel } from "./crash-plan";
import { INTERLEAVED, type Interleave, type MidCallCrash, type PlatformFaultSpec, type TimingSpec } from "./families";
import {
	FAULT_KIND_NAMES,
	type FaultKind,
	type FaultSpec,
	isUndo,
	OPERATION_NAMES,
	type Operation,
	PATTERNS,
	type Pattern,
} from "./faults";
import { streamSeed } from "./prng";
import { CANNOT_PICK_BEHAVIOURS, type Warehouse } from "./warehouse";
import { type DeployChange, type Trigger, type WorldEvent, type WorldSpec, worldOf } from "./world-spec";

/** One situation on an otherwise normal order. With `crashEverywhere`, the matrix also crashes it at every checkpoint its run passes. */
export interface Scenario {
	id: string;
	order: OrderKind;
	faults: FaultSpec[];
	warehouse: Warehouse;
	platform: PlatformFaultSpec[];
	interleave: Interleave[];
	midCall: MidCallCrash[];
	timing: TimingSpec | null;
	/** What happens to the order's world beside it (a deploy, a pause), and whether the sweeper runs. */
	events: WorldEvent[];
	sweeps: boolean;
	crashEverywhere: boolean;
}

const scenario = (s: Pick<Scenario, "id"> & Partial<Scenario>): Scenario => ({
	order: "standard",
	faults: [],
	warehouse: "picks",
	platform: [],
	interleave: [],
	midCall: [],
	timing: null,
	events: [],
	sweeps: false,
	crashEverywhere: true,
	...s,
});

/** The steps `npm test` covers in full; `npm run chaos` covers all seven operations. */
const CI_OPERATIONS: Operation[] = ["charge", "reserve"];

const WAREHOUSE_BEHAVIOURS: Warehouse[] = [
	"picks",
	"picks-twice",
	"picks-twice-at-once",
	"picks-early",
	"picks-late",
	"never-picks",
	"forged-token",
	"other-event-token",
	"foreign-token",
	"leaves-it-waiting",
	"customer-cancels",
	"customer-cancels-early",
	"operator-redrives",
	"operator-resolves",
	...CANNOT_PICK_BEHAVIOURS,
];

/**
 * Which attempts each kind is tried on: a refusal is final at once; "key in use" is retried like a
 * 429; a bad body or a reset is retried like the 502 of `error_after`, whose "until-last" covers theirs.
 */
function patternsOf(kind: FaultKind, profile: "ci" | "full"): Pattern[] {
	if (kind === "refused" || (profile === "ci" && kind === "arrives_late")) return ["once"];
	if (profile === "ci" || kind === "in_use" || kind === "garbage_after" || kind === "reset_after")
		return ["once", "always"];
	return ["once", "until-last", "always"];
}

/** An out-of-stock order whose refund is refused: it needs attention, so a dead letter must be stored (and maybe closed). */
const needsAttention: Pick<Scenario, "order" | "faults"> = {
	order: "out-of-stock",
	faults: [{ op: "refund", kind: "refused", skip: 0, times: 1 }],
};

/** The infrastructure family: queue sends and D1 writes failing, hanging, delivered twice, exhausting the retries. */
function infrastructure(profile: "ci" | "full"): Scenario[] {
	const all = [
		scenario({ id: "infra.d1-exhausted", ...needsAttention, platform: [{ on: "database", kind: "throw", times: 14 }] }),
		scenario({ id: "infra.queue-throws", ...needsAttention, platform: [{ on: "queue", kind: "throw", times: 3 }] }),
		scenario({ id: "infra.queue-hangs", ...needsAttention, platform: [{ on: "queue", kind: "hang", times: 2 }] }),
		scenario({ id: "infra.redelivered", ...needsAttention, platform: [{ on: "queue", kind: "duplicate", times: 4 }] }),
		scenario({ id: "infra.d1-blip", ...needsAttention, platform: [{ on: "database", kind: "throw", times: 3 }] }),
		scenario({ id: "infra.d1-hangs", ...needsAttention, platform: [{ on: "database", kind: "hang", times: 2 }] }),
		scenario({
			id: "infra.resolved-under-d1-outage",
			...needsAttention,
			warehouse: "operator-resolves",
			platform: [{ on: "database", kind: "throw", times: 14 }],
		}),
		scenario({
			id: "infra.redriven-under-queue-outage",
			order: "out-of-stock",
			faults: [{ op: "refund", kind: "http500", skip: 0, times: 5 }],
			warehouse: "operator-redrives",
			platform: [{ on: "queue", kind: "throw", times: 3 }],
		}),
		scenario({ id: "infra.index-d1-exhausted", platform: [{ on: "database", kind: "throw", times: 14 }] }),
		scenario({
			id: "infra.reminder-queue-hangs",
			warehouse: "never-picks",
			platform: [{ on: "queue", kind: "hang", times: 3 }],
		}),
	];
	return profile === "ci" ? all.slice(0, 1) : all;
}

/** The concurrency family: each request or alarm while each of the order's calls is in flight (no crash points: timing decides). */
function concurrency(profile: "ci" | "full"): Scenario[] {
	const out: Scenario[] = [];
	for (const action of INTERLEAVED) {
		for (const call of [1, 2, 3, 4])
			out.push(
				scenario({ id: `race.${action}-during-call${call}`, interleave: [{ call, action }], crashEverywhere: false }),
			);
		// The request lands while the breaker is asked whether the call may go (held back a moment).
		out.push(
			scenario({
				id: `race.${action}-during-admission2`,
				interleave: [{ call: 2, action, during: "admission" }],
				crashEverywhere: false,
			}),
		);
		// Call 3 of an out-of-stock order is its refund: the request lands in the middle of compensation.
		out.push(
			scenario({
				id: `race.${action}-during-refund`,
				order: "out-of-stock",
				interleave: [{ call: 3, action }],
				crashEverywhere: false,
			}),
		);
	}
	if (profile === "full") return out;
	const ci = ["race.pick-during-call3", "race.cancel-during-call2", "race.cancel-during-admission2"];
	return out.filter((s) => ci.includes(s.id));
}

/** The eviction_mid_call family: the object reset while a call, or a notification hand-over, is in flight. */
function evictionMidCall(profile: "ci" | "full"): Scenario[] {
	const out = [1, 2, 3, 4].map((n) =>
		scenario({ id: `evict.call${n}`, midCall: [{ during: "calling", n }], crashEverywhere: false }),
	);
	out.push(
		scenario({
			id: "evict.refund",
			order: "out-of-stock",
			midCall: [{ during: "calling", n: 3 }],
			crashEverywhere: false,
		}),
		scenario({
			id: "evict.hand-over",
			...needsAttention,
			midCall: [{ during: "handing_over", n: 1 }],
			crashEverywhere: false,
		}),
		scenario({
			id: "evict.reminder-hand-over",
			warehouse: "never-picks",
			midCall: [{ during: "handing_over", n: 2 }],
			crashEverywhere: false,
		}),
		scenario({
			id: "evict.timeout_after",
			faults: [{ op: "charge", kind: "timeout_after", skip: 0, times: 1 }],
			midCall: [{ during: "calling", n: 2 }],
			crashEverywhere: false,
		}),
	);
	return profile === "full" ? out : out.filter((s) => s.id === "evict.call2" || s.id === "evict.hand-over");
}

/**
 * The personal_data family: refusals and errors whose message repeats the customer's email and
 * address, on every operation, on orders that end every way; the sweeper runs on them too. Erasure
 * must reach whatever of it the project kept or sent.
 */
function personalData(profile: "ci" | "full"): Scenario[] {
	const echoing = (op: Operation, kind: FaultKind, times: number): FaultSpec => ({
		op,
		kind,
		skip: 0,
		times,
		echo: true,
	});
	const all = [
		scenario({ id: "pii.ship-refused", faults: [echoing("ship", "refused", 1)], sweeps: true }),
		scenario({ id: "pii.send-refused", faults: [echoing("send", "refused", 1)], warehouse: "operator-resolves" }),
		scenario({ id: "pii.charge-500s", faults: [echoing("charge", "http500", 3)] }),
		scenario({
			id: "pii.reserve-502-after",
			faults: [echoing("reserve", "error_after", 5)],
			warehouse: "operator-resolves",
		}),
		scenario({
			id: "pii.refund-refused",
			order: "out-of-stock",
			faults: [echoing("refund", "refused", 1)],
			warehouse: "operator-resolves",
		}),
		scenario({
			id: "pii.cancel-500s",
			faults: [echoing("cancel", "http500", 5)],
			warehouse: "operator-redrives",
			sweeps: true,
		}),
	];
	return profile === "ci" ? all.slice(0, 1) : all;
}

/** The timing family: alarms late, early, and on fresh instances, over the behaviours that depend on time. */
function timing(profile: "ci" | "full"): Scenario[] {
	const spec = (id: string): TimingSpec => ({
		seed: streamSeed(0x7157, id.length * 31 + id.charCodeAt(id.length - 1)),
		lateChance: 0.3,
		maxLateMs: 3_600_000,
		earlyChance: 0.3,
		evictChance: 0.3,
	});
	const timed = (id: string, s: Partial<Scenario>) => scenario({ id: `timing.${id}`, timing: spec(id), ...s });
	const all = [
		timed("never-picks", { warehouse: "never-picks" }),
		timed("picks-late", { warehouse: "picks-late" }),
		timed("leaves-it-waiting", { warehouse: "leaves-it-waiting" }),
		timed("customer-cancels", { warehouse: "customer-cancels" }),
		timed("charge-retries", { faults: [{ op: "charge", kind: "http503", ...PATTERNS["until-last"] }] }),
		timed("reserve-in-doubt", { faults: [{ op: "reserve", kind: "timeout_after", ...PATTERNS.always }] }),
		timed("ship-stuck", { faults: [{ op: "ship", kind: "slow_down", skip: 0, times: 3 }] }),
		timed("refund-retries", {
			warehouse: "never-picks",
			faults: [{ op: "refund", kind: "http500", ...PATTERNS["until-last"] }],
		}),
		timed("redriven", {
			order: "out-of-stock",
			faults: [{ op: "refund", kind: "http500", skip: 0, times: 6 }],
			warehouse: "operator-redrives",
		}),
		timed("email-after-pick", { faults: [{ op: "send", kind: "error_after", ...PATTERNS.always }] }),
	];
	return profile === "ci" ? all.slice(0, 1) : all;
}

/**
 * The verify family's questions under faults of their own: the service cannot tell (every question
 * fails: as before verify, a person decides), its answer is lost after it fenced the key, it answers
 * too late, it is itself held back while the original is too; on a forward step and on an undo.
 */
function questions(profile: "ci" | "full"): Scenario[] {
	const asked = (op: Operation, kind: FaultKind, pattern: Pattern): FaultSpec => ({
		op,
		kind,
		...PATTERNS[pattern],
		asked: true,
	});
	const all = [
		scenario({
			id: "asked.charge.error_after+verify.http500.always",
			faults: [{ op: "charge", kind: "error_after", ...PATTERNS.always }, asked("charge", "http500", "always")],
		}),
		scenario({
			id: "asked.charge.timeout_before+verify.error_after.once",
			faults: [{ op: "charge", kind: "timeout_before", ...PATTERNS.once }, asked("charge", "error_after", "once")],
		}),
		scenario({
			id: "asked.ship.arrives_late+verify.arrives_late.once",
			faults: [{ op: "ship", kind: "arrives_late", ...PATTERNS.once }, asked("ship", "arrives_late", "once")],
		}),
		scenario({
			id: "asked.reserve.reset_after+verify.latency.until-last",
			faults: [{ op: "reserve", kind: "reset_after", ...PATTERNS.always }, asked("reserve", "latency", "until-last")],
		}),
		scenario({
			id: "asked.refund.garbage_after+verify.timeout_after.once",
			order: "out-of-stock",
			faults: [{ op: "refund", kind: "garbage_after", ...PATTERNS.always }, asked("refund", "timeout_after", "once")],
		}),
		scenario({
			id: "asked.send.error_after+verify.http503.until-last",
			faults: [{ op: "send", kind: "error_after", ...PATTERNS.always }, asked("send", "http503", "until-last")],
		}),
	];
	return profile === "ci" ? all.slice(0, 2) : all;
}

/**
 * The deploy family: a deploy between two wakes of an order in flight, as the README's operator makes
 * it (a secret rotated, the public URL or the downstream key changed, a workflow version added), at
 * each point an order can be at: after each of its calls, waiting for the warehouse, in doubt after a
 * lost answer, held by a paused service. The secret rotation and the new version, the changes that
 * touch what an order sends, are also crashed at every checkpoint.
 */
function deploys(profile: "ci" | "full"): Scenario[] {
	const at: [string, Trigger, Partial<Scenario>][] = [
		["call1", { on: "calls", n: 1 }, {}],
		["call2", { on: "calls", n: 2 }, {}],
		["call3", { on: "calls", n: 3 }, {}],
		["waiting", { on: "state", order: 0, state: "waiting" }, {}],
		[
			"ship-in-doubt",
			{ on: "state", order: 0, state: "in-doubt" },
			{ faults: [{ op: "ship", kind: "timeout_after", skip: 0, times: 1 }] },
		],
		[
			"charge-in-doubt",
			{ on: "state", order: 0, state: "in-doubt" },
			{ faults: [{ op: "charge", kind: "error_after", skip: 0, times: 2 }] },
		],
		[
			"refund-in-doubt",
			{ on: "state", order: 0, state: "in-doubt" },
			{ order: "out-of-stock", faults: [{ op: "refund", kind: "reset_after", skip: 0, times: 1 }] },
		],
		[
			"held",
			{ on: "state", order: 0, state: "held" },
			{
				events: [
					{ kind: "pause", downstream: "shipping", when: { on: "calls", n: 2 } },
					{ kind: "resume", downstream: "shipping", when: { on: "after", event: 1, ms: 30_000 } },
				],
			},
		],
	];
	const changes: [string, DeployChange, boolean][] = [
		["rotate-secret", { config: "rotate-secret" }, true],
		["add-v2", { versions: "add-v2" }, true],
		["base-url", { config: "base-url" }, false],
		["api-key", { config: "api-key" }, false],
	];
	const out = changes.flatMap(([name, change, crashEverywhere]) =>
		at.map(([where, when, extra]) => {
			const deploy: WorldEvent = { kind: "deploy", change, when };
			return scenario({
				id: `deploy.${name}.${where}`,
				...extra,
				// The deploy is the first event: a later one (a resume) counts from it by index.
				events: [deploy, ...(extra.events ?? [])],
				crashEverywhere,
			});
		}),
	);
	return profile === "full" ? out : out.filter((s) => s.id === "deploy.rotate-secret.ship-in-doubt");
}

/**
 * Every single fault (each kind on each operation for each attempt pattern), each warehouse and
 * customer behaviour, each business refusal, one pair a single fault cannot produce, and the
 * scenarios of the families the review found blind spots in.
 */
export function scenarios(profile: "ci" | "full"): Scenario[] {
	const out: Scenario[] = [];
	for (const op of profile === "ci" ? CI_OPERATIONS : OPERATION_NAMES) {
		for (const kind of FAULT_KIND_NAMES.filter((k) => k !== "slow_down")) {
			for (const pattern of patternsOf(kind, profile)) {
				// Undos run only when the order is compensated: the warehouse never picking compensates all three.
				const warehouse = isUndo(op) ? "never-picks" : "picks";
				out.push(scenario({ id: `${op}.${kind}.${pattern}`, faults: [{ op, kind, ...PATTERNS[pattern] }], warehouse }));
			}
		}
	}
	out.push(
		...infrastructure(profile),
		...concurrency(profile),
		...evictionMidCall(profile),
		...timing(profile),
		...deploys(profile),
		...personalData(profile),
		...questions(profile),
	);
	if (profile === "ci") {
		// The warehouse's newest answers, in the subset too: a cannot-pick, and one racing a pick.
		for (const warehouse of ["cannot-pick", "picks-and-cannot-pick-at-once"] as const)
			out.push(scenario({ id: `warehouse.${warehouse}`, warehouse, crashEverywhere: false }));
		return out;
	}
	// One pair, on every operation: the first attempt took effect and its answer was lost, the retry is told
	// "key in use" (the first request still runs): not settled, asked again, learned.
	for (const op of OPERATION_NAMES) {
		const faults: FaultSpec[] = [
			{ op, kind: "timeout_after", skip: 0, times: 1 },
			{ op, kind: "in_use", skip: 0, times: 1 },
		];
		out.push(scenario({ id: `${op}.timeout_after+in_use`, faults, warehouse: isUndo(op) ? "never-picks" : "picks" }));
	}
	for (const warehouse of WAREHOUSE_BEHAVIOURS) out.push(scenario({ id: `warehouse.${warehouse}`, warehouse }));
	for (const order of ["out-of-stock", "declined"] as const) out.push(scenario({ id: `order.${order}`, order }));
	return out;
}

/** Every crash point a run passed: the n-th committed checkpoint for each n, the n-th returned one for each n. */
export function crashPoints(seen: { committed: number; returned: number }): CrashPoint[] {
	const points: CrashPoint[] = [];
	for (let n = 1; n <= seen.committed; n++) points.push({ at: "committed", n });
	for (let n = 1; n <= seen.returned; n++) points.push({ at: "returned", n });
	return points;
}

export function matrixCase(s: Scenario, crash: CrashPoint | null): WorldSpec {
	const id = `${s.id}@${crashLabel(crash)}`;
	const { crashEverywhere: _, id: __, events, sweeps, ...rest } = s;
	const orderId = `mx-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
	return worldOf(caseSpec({ ...rest, id, orderId, crashes: crash ? [crash] : [] }), { events, sweeps });
}

/** The suffix of a scenario run on the code that never asks services about a doubt (the verify family's measure). */
export const UNASKED = "~unasked";

/** A scenario's uncrashed case on the code without verify: its own order and world, named by the suffix. */
export function unaskedCase(s: Scenario): WorldSpec {
	return { ...matrixCase({ ...s, id: `${s.id}${UNASKED}` }, null), withoutVerify: true };
}

/** The case behind an id printed in a report, for `CHAOS_CASE=<id>`. */
export function findMatrixCase(id: string): WorldSpec {
	const [scenarioId = "", crash = "none"] = id.split("@");
	const base = scenarioId.endsWith(UNASKED) ? scenarioId.slice(0, -UNASKED.length) : scenarioId;
	const found = scenarios("full").find((s) => s.id === base);
	if (!found) throw new Error(`no chaos scenario ${scenarioId}; ids look like charge.timeout_after.once@c3`);
	return base === scenarioId ? matrixCase(found, parseCrashLabel(crash)) : unaskedCase(found);
}
