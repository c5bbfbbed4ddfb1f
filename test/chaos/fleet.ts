import { type CaseSpec, caseSpec, type OrderKind } from "./case";
import type { CrashPoint } from "./crash-plan";
import type { FaultKind, FaultSpec, Operation } from "./faults";
import { type Rng, rng, streamSeed } from "./prng";
import { CANNOT_PICK_BEHAVIOURS, type Warehouse } from "./warehouse";
import type { Downstream, WorldEvent, WorldSpec } from "./world-spec";

/** The forward operation of each downstream: the one an outage of it hits first. */
const FORWARD: Record<Downstream, Operation> = {
	payments: "charge",
	inventory: "reserve",
	shipping: "ship",
	email: "send",
};

/** What an outage answers: not processed (a 429), or maybe processed (a 503, a timeout, a 502 after the effect). */
const OUTAGE_KINDS: FaultKind[] = ["http429", "http503", "http500", "error_after", "timeout_before"];

/**
 * The shapes of fleet worlds, in turn: each puts several orders on one clock and one breaker per
 * downstream, and a downstream goes down for all of them, so the breaker opens from the failures they
 * really see, goes half-open and hands out probes, and closes; on top, what people and the platform do
 * at the same time.
 */
export const FLEET_SHAPES = [
	"outage",
	"cancel-the-prober",
	"pause-and-resume",
	"breaker-crash",
	"redrive-under-hold",
	"bulk-redrive",
	"deploy-during-outage",
	"versions",
	"order-actions",
	"outage-after-traffic",
] as const;
export type FleetShape = (typeof FLEET_SHAPES)[number];

/** Fleet `index` of the run seeded `seed`: its own stream, so `CHAOS_SEED=<seed> CHAOS_FLEET=<index>` replays it alone. */
export function fleetCase(seed: number, index: number): WorldSpec {
	const r = rng(streamSeed(seed ^ 0x0f1ee7, index));
	const shape = FLEET_SHAPES[index % FLEET_SHAPES.length] as FleetShape;
	const name = `fl-${seed}-${index}`;
	const size = r.int(3, shape === "versions" ? 3 : 5);
	const down: Downstream = r.pick(["payments", "inventory", "shipping", "email"] as const);
	const outage = (times: number): FaultSpec => ({ op: FORWARD[down], kind: r.pick(OUTAGE_KINDS), skip: 0, times });
	const orders = Array.from({ length: size }, (_, i) =>
		order(r, `${name}-${i}`, shape, i, shape === "versions" ? [] : [outage(r.int(4, 8))]),
	);
	const events: WorldEvent[] = [];
	const placeWhen: WorldSpec["placeWhen"] = {};
	switch (shape) {
		case "outage":
			break;
		case "cancel-the-prober":
			// The longest-held order gets the probe: its customer cancels while it is held.
			events.push({ kind: "cancel", order: 0, when: { on: "state", order: 0, state: "held" } });
			break;
		case "pause-and-resume":
			events.push(
				{ kind: "pause", downstream: down, when: { on: "calls", n: r.int(1, 4) } },
				{ kind: "resume", downstream: down, when: { on: "after", event: 0, ms: r.int(10, 180) * 1000 } },
			);
			break;
		case "breaker-crash":
			events.push({
				kind: "crash-breaker",
				downstream: down,
				when: { on: "state", order: r.int(0, size - 1), state: "held" },
			});
			break;
		case "redrive-under-hold":
			// Two undos fail for good on each order; the operator redrives while shipping is paused.
			for (const o of orders) {
				o.warehouse = "abandons-then-redrives";
				o.faults = [
					{ op: "cancel", kind: "http500", skip: 0, times: 5 },
					{ op: "release", kind: "http429", skip: 0, times: 5 },
				];
				o.order = "standard";
			}
			events.push(
				{ kind: "pause", downstream: "shipping", when: { on: "state", order: 0, state: "needs_attention" } },
				{ kind: "resume", downstream: "shipping", when: { on: "after", event: 0, ms: r.int(30, 300) * 1000 } },
			);
			break;
		case "bulk-redrive":
			for (const o of orders) {
				o.faults = [{ op: "charge", kind: "error_after", skip: 0, times: 5 }];
				o.warehouse = "picks";
			}
			events.push({ kind: "bulk-redrive", when: { on: "state", order: [0, 1], state: "needs_attention" } });
			break;
		case "deploy-during-outage":
			events.push({
				kind: "deploy",
				change: r.pick([{ config: "rotate-secret" }, { config: "base-url" }, { versions: "add-v2" }] as const),
				when: { on: "state", order: 1, state: "held" },
			});
			break;
		case "versions":
			// Two orders in flight on version 1 (one of them with its shipment in doubt) when version 2 is added;
			// the third placed after it; version 1 goes once the first two are done.
			orders[1]?.faults.push({ op: "ship", kind: "timeout_after", skip: 0, times: 1 });
			events.push(
				{ kind: "deploy", change: { versions: "add-v2" }, when: { on: "calls", n: r.int(2, 6) } },
				{ kind: "deploy", change: { versions: "remove-v1" }, when: { on: "state", order: [0, 1], state: "finished" } },
			);
			placeWhen[2] = { on: "after", event: 0, ms: 0 };
			break;
		case "outage-after-traffic":
			// The rest of the deployment kept the downstream busy a moment ago: many more successes in the
			// breaker's window than its orders have attempts. The outage must still open it in time.
			// Down for everybody alike (nothing takes effect, so no answer to a question counts as a success).
			events.push({ kind: "traffic", downstream: down, successes: 30, when: { on: "calls", n: 0 } });
			{
				const kind = r.pick(["http503", "http429", "timeout_before"] as const);
				orders.forEach((o, i) => {
					o.faults = [{ ...outage(r.int(6, 10)), kind }];
					placeWhen[i] = { on: "after", event: 0, ms: 0 };
				});
			}
			break;
		case "order-actions":
			// An operator pauses one order mid-flight and resumes it later; terminates another mid-flight; pauses a
			// third at the warehouse's wait, which its customer then cancels (or, picked meanwhile, it is resumed).
			events.push(
				{ kind: "pause-order", order: 0, when: { on: "calls", n: r.int(1, 6) } },
				{ kind: "resume-order", order: 0, when: { on: "after", event: 0, ms: r.int(30, 600) * 1000 } },
				{ kind: "terminate", order: 1, when: { on: "calls", n: r.int(2, 10) } },
				{ kind: "pause-order", order: 2, when: { on: "state", order: 2, state: "waiting" } },
				{ kind: "cancel", order: 2, when: { on: "after", event: 3, ms: r.int(1, 120) * 1000 } },
				{ kind: "resume-order", order: 2, when: { on: "after", event: 4, ms: 1000 } },
			);
			break;
	}
	// An outage opens the breaker after a few failures, while every order still has budget left to be held
	// with; where orders must run out of budget (to be redriven), the breaker stays out of the way.
	const exhaust = shape === "redrive-under-hold" || shape === "bulk-redrive";
	return {
		id: `fleet ${seed}#${index} (${shape})`,
		name,
		orders,
		shared: true,
		events,
		placeWhen,
		sweeps: true,
		config: { BREAKER_FAILURES: exhaust ? "1000" : String(size) },
		...(shape === "outage-after-traffic" ? { heldThrough: down } : {}),
	};
}

/** One order of a fleet: the outage's faults, sometimes a crash or two, and what its people do. */
function order(r: Rng, orderId: string, shape: FleetShape, i: number, faults: FaultSpec[]): CaseSpec {
	const kind: OrderKind = shape === "outage" && r.chance(0.15) ? "out-of-stock" : "standard";
	const crashes: CrashPoint[] = [];
	for (
		let n = r.weighted([
			[0, 5],
			[1, 3],
			[2, 1],
		] as const);
		n > 0;
		n--
	)
		crashes.push(r.chance(0.7) ? { at: "committed", n: r.int(1, 14) } : { at: "returned", n: r.int(1, 5) });
	const warehouse: Warehouse = r.weighted([
		["picks", 12],
		["picks-late", 2],
		["customer-cancels", 2],
		["never-picks", 1],
		["picks-early", 2],
	] as const);
	const echoed = faults.map((f) => ({ ...f, echo: r.chance(0.2) }));
	const restCrashes = r.chance(0.2) ? { seed: streamSeed(r.int(1, 2 ** 30), i), chance: 0.15 } : null;
	// Drawn last of the order's choices: the warehouse may say it cannot pick.
	const answer = r.chance(0.1) ? r.pick(CANNOT_PICK_BEHAVIOURS) : warehouse;
	return caseSpec({
		id: `${orderId}`,
		orderId,
		order: kind,
		faults: echoed,
		crashes,
		warehouse: i === 0 && shape === "cancel-the-prober" ? "leaves-it-waiting" : answer,
		restCrashes,
	});
}
