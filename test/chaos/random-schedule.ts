import type { CaseSpec } from "./case";
import type { CrashPoint } from "./crash-plan";
import { FAULT_KIND_NAMES, type FaultSpec, isSlow, OPERATION_NAMES } from "./faults";
import { rng, streamSeed } from "./prng";
import type { Warehouse } from "./warehouse";

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
];

/**
 * Order `index` of the run seeded `seed`: up to four faults (any operation, any kind, on any run of
 * attempts), up to three crashes at checkpoints, sometimes crashes at rest, and a warehouse behaviour.
 * Each order draws from its own stream, so `CHAOS_SEED=<seed> CHAOS_ORDER=<index>` replays it alone.
 */
export function randomCase(seed: number, index: number): CaseSpec {
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
		let kind = r.pick(FAULT_KIND_NAMES);
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
	return { id: `${seed}#${index}`, orderId: `rnd-${seed}-${index}`, order, faults, crashes, warehouse, restCrashes };
}
