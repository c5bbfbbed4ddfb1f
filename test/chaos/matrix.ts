import type { CaseSpec, OrderKind } from "./case";
import { type CrashPoint, crashLabel, parseCrashLabel } from "./crash-plan";
import {
	FAULT_KIND_NAMES,
	type FaultSpec,
	isUndo,
	OPERATION_NAMES,
	type Operation,
	PATTERNS,
	type Pattern,
} from "./faults";
import type { Warehouse } from "./warehouse";

/** One fault (or none) on an otherwise normal order; the matrix crashes it at every checkpoint its run passes. */
export interface Scenario {
	id: string;
	order: OrderKind;
	faults: FaultSpec[];
	warehouse: Warehouse;
}

/** The steps `npm test` covers in full; `npm run chaos` covers all seven operations. */
const CI_OPERATIONS: Operation[] = ["charge", "reserve"];

const WAREHOUSE_FAULTS: Warehouse[] = [
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
];

/**
 * Every single fault: each kind on each operation for each attempt pattern; each warehouse behaviour;
 * each business refusal; and one pair that a single fault cannot produce (see below).
 */
export function scenarios(profile: "ci" | "full"): Scenario[] {
	const out: Scenario[] = [];
	for (const op of profile === "ci" ? CI_OPERATIONS : OPERATION_NAMES) {
		for (const kind of FAULT_KIND_NAMES) {
			for (const pattern of Object.keys(PATTERNS) as Pattern[]) {
				// A refusal is final at the first attempt, so its other patterns would be the very same case.
				if (kind === "refused" && pattern !== "once") continue;
				// CI keeps the first attempt and every attempt; "all but the last" is the full run's.
				if (profile === "ci" && pattern === "until-last") continue;
				out.push({
					id: `${op}.${kind}.${pattern}`,
					order: "standard",
					faults: [{ op, kind, ...PATTERNS[pattern] }],
					// Undos run only when the order is compensated: the warehouse never picking compensates all three.
					warehouse: isUndo(op) ? "never-picks" : "picks",
				});
			}
		}
	}
	if (profile === "ci") return out;
	// One pair, on every operation: the first attempt's outcome is unknown (it took effect, the answer was
	// lost) and the retry is refused, as Stripe refuses with 409 a retry while the first request still runs.
	for (const op of OPERATION_NAMES) {
		const faults: FaultSpec[] = [
			{ op, kind: "timeout_after", skip: 0, times: 1 },
			{ op, kind: "refused", skip: 0, times: 1 },
		];
		out.push({
			id: `${op}.timeout_after+refused`,
			order: "standard",
			faults,
			warehouse: isUndo(op) ? "never-picks" : "picks",
		});
	}
	for (const warehouse of WAREHOUSE_FAULTS)
		out.push({ id: `warehouse.${warehouse}`, order: "standard", faults: [], warehouse });
	for (const order of ["out-of-stock", "declined"] as const)
		out.push({ id: `order.${order}`, order, faults: [], warehouse: "picks" });
	return out;
}

/** Every crash point a run passed: the n-th committed checkpoint for each n, the n-th returned one for each n. */
export function crashPoints(seen: { committed: number; returned: number }): CrashPoint[] {
	const points: CrashPoint[] = [];
	for (let n = 1; n <= seen.committed; n++) points.push({ at: "committed", n });
	for (let n = 1; n <= seen.returned; n++) points.push({ at: "returned", n });
	return points;
}

export function matrixCase(scenario: Scenario, crash: CrashPoint | null): CaseSpec {
	const id = `${scenario.id}@${crashLabel(crash)}`;
	return {
		id,
		orderId: `mx-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`,
		order: scenario.order,
		faults: scenario.faults,
		crashes: crash ? [crash] : [],
		warehouse: scenario.warehouse,
		restCrashes: null,
	};
}

/** The case behind an id printed in a report, for `CHAOS_CASE=<id>`. */
export function findMatrixCase(id: string): CaseSpec {
	const [scenarioId, crash = "none"] = id.split("@");
	const scenario = scenarios("full").find((s) => s.id === scenarioId);
	if (!scenario) throw new Error(`no chaos scenario ${scenarioId}; ids look like charge.timeout_after.once@c3`);
	return matrixCase(scenario, parseCrashLabel(crash));
}
