import { caseSpec } from "./case";
import type { CrashPoint } from "./crash-plan";
import { INTERLEAVED, type Interleave, type MidCallCrash, type PlatformFaultSpec } from "./families";
import { FAULT_KIND_NAMES, type FaultSpec, isSlow, OPERATION_NAMES } from "./faults";
import { type Rng, rng, streamSeed } from "./prng";
import { CANNOT_PICK_BEHAVIOURS, type Warehouse } from "./warehouse";
import { type DeployChange, type Trigger, type WorldEvent, type WorldSpec, worldOf } from "./world-spec";

/** The kinds drawn first, as before `arrives_late` existed: a seed keeps drawing what it drew. */
const EARLIER_KINDS = FAULT_KIND_NAMES.filter((kind) => kind !== "arrives_late");

/** Slow faults (timeouts, late answers) cost a quarter second each: at most this many hits per order keeps a run in minutes. */
const SLOW_HITS_PER_ORDER = 6;

const WAREHOUSE_WEIGHTS: [Warehouse, number][] = [
	["picks", 30],
	["picks-twice", 8],
	["picks-twice-at-once", 8],
	["picks-early", 10],
	["picks-late", 8],
	["never-picks", 8],
	["forged-token", 5],
	["other-event-token", 5],
	["foreign-token", 5],
	["leaves-it-waiting", 8],
	["customer-cancels", 6],
	["customer-cancels-early", 4],
	["operator-redrives", 5],
	["operator-resolves", 3],
];

/**
 * Order `index` of the run seeded `seed`: up to four faults (any operation, any kind, on any run of
 * attempts), up to three crashes at checkpoints, sometimes crashes at rest, and a warehouse behaviour;
 * and, from the newer families, sometimes queue and D1 faults, a request or alarm in the middle of a
 * call, a reset in the middle of a call or hand-over, and alarms delivered late, early or to a fresh
 * instance, and an outage window at one of its downstreams' breakers. Each order draws from its own stream, so `CHAOS_SEED=<seed> CHAOS_ORDER=<index>` replays it alone.
 */
export function randomCase(seed: number, index: number): WorldSpec {
	const r = rng(streamSeed(seed, index));
	const order = r.weighted([
		["standard", 86],
		["out-of-stock", 7],
		["declined", 7],
	] as const);
	const faults: FaultSpec[] = [];
	let slowHits = 0;
	for (let n = r.int(0, 4); n > 0; n--) {
		const op = r.pick(OPERATION_NAMES);
		let kind = r.pick(EARLIER_KINDS);
		const times = r.chance(0.5) ? 1 : r.int(2, 7);
		if (isSlow(kind)) {
			if (slowHits + times > SLOW_HITS_PER_ORDER) kind = "http500";
			else slowHits += times;
		}
		faults.push({ op, kind, skip: r.chance(0.25) ? r.int(1, 3) : 0, times });
	}
	const crashes: CrashPoint[] = [];
	for (
		let n = r.weighted([
			[0, 2],
			[1, 4],
			[2, 3],
			[3, 1],
		] as const);
		n > 0;
		n--
	) {
		crashes.push(r.chance(0.7) ? { at: "committed", n: r.int(1, 16) } : { at: "returned", n: r.int(1, 6) });
	}
	const restCrashes = r.chance(0.25) ? { seed: streamSeed(seed ^ 0x5bd1e995, index), chance: 0.2 } : null;
	const warehouse = r.weighted(WAREHOUSE_WEIGHTS);
	const platform: PlatformFaultSpec[] = [];
	for (let n = r.chance(0.15) ? r.int(1, 2) : 0; n > 0; n--) {
		platform.push(
			r.chance(0.5)
				? { on: "queue", kind: r.pick(["throw", "hang", "duplicate"] as const), times: r.int(1, 4) }
				: { on: "database", kind: r.chance(0.8) ? "throw" : "hang", times: r.pick([1, 3, 14]) },
		);
	}
	const interleave: Interleave[] = r.chance(0.15) ? [{ call: r.int(1, 5), action: r.pick(INTERLEAVED) }] : [];
	const midCall: MidCallCrash[] = r.chance(0.1)
		? [r.chance(0.7) ? { during: "calling", n: r.int(1, 5) } : { during: "handing_over", n: r.int(1, 2) }]
		: [];
	const timing = r.chance(0.2)
		? {
				seed: streamSeed(seed ^ 0x2545f491, index),
				lateChance: 0.3,
				maxLateMs: 3_600_000,
				earlyChance: 0.3,
				evictChance: 0.2,
			}
		: null;
	const outage = r.chance(0.12)
		? {
				downstream: r.pick(["payments", "inventory", "shipping", "email"] as const),
				afterCalls: r.int(0, 4),
				forMs: r.int(20, 400),
			}
		: null;
	// Drawn last, so that every earlier choice of a seed stays what it was.
	if (r.chance(0.08)) interleave.push({ call: r.int(1, 4), action: r.pick(INTERLEAVED), during: "admission" });
	// Newer families, drawn after all of the above: errors that repeat the customer's data, a deploy, the sweeper.
	for (const fault of faults) fault.echo = r.chance(0.15);
	const deploy = r.chance(0.1) ? randomDeploy(r) : null;
	const sweeps = r.chance(0.3);
	// The verify family, drawn after all of the above: an original that arrives after its service was
	// asked, a fault on the questions themselves, and the warehouse saying it cannot pick.
	if (r.chance(0.08) && slowHits < SLOW_HITS_PER_ORDER)
		faults.push({ op: r.pick(OPERATION_NAMES), kind: "arrives_late", skip: r.chance(0.25) ? 1 : 0, times: 1 });
	if (r.chance(0.1)) {
		const kind = r.pick(EARLIER_KINDS.filter((k) => !isSlow(k)));
		faults.push({ op: r.pick(OPERATION_NAMES), kind, skip: 0, times: r.chance(0.5) ? 1 : r.int(2, 7), asked: true });
	}
	const answered = r.chance(0.12) ? r.pick(CANNOT_PICK_BEHAVIOURS) : warehouse;
	const spec = caseSpec({
		id: `${seed}#${index}`,
		orderId: `rnd-${seed}-${index}`,
		order,
		faults,
		crashes,
		warehouse: answered,
		restCrashes,
		platform,
		interleave,
		midCall,
		timing,
		outage,
	});
	return worldOf(spec, { events: deploy ? [deploy] : [], sweeps });
}

/** A deploy at some point of the order's life: after a call, while it waits, or while a step is in doubt. */
function randomDeploy(r: Rng): WorldEvent {
	const change: DeployChange = r.pick([
		{ config: "rotate-secret" },
		{ config: "base-url" },
		{ config: "api-key" },
		{ versions: "add-v2" },
	] as const);
	const when: Trigger = r.pick([
		{ on: "calls", n: r.int(1, 5) },
		{ on: "state", order: 0, state: "waiting" },
		{ on: "state", order: 0, state: "in-doubt" },
	] as const);
	return { kind: "deploy", change, when };
}
