import type { Observation } from "./case";
import { crashLabel } from "./crash-plan";
import type { WorldObservation } from "./driver";
import { familiesOf } from "./families";
import { describeFault } from "./faults";
import type { CaseResult, ChaosMeta, Violation } from "./summary";

export type { CaseResult, ChaosMeta } from "./summary";

export function tally(
	results: readonly CaseResult[],
): Pick<ChaosMeta, "cases" | "violations" | "outcomes" | "families" | "crashes" | "hiccups"> {
	const outcomes: Record<string, number> = {};
	const families: Record<string, number> = {};
	for (const r of results) {
		outcomes[r.status] = (outcomes[r.status] ?? 0) + 1;
		for (const family of r.families) families[family] = (families[family] ?? 0) + 1;
	}
	return {
		cases: results.length,
		violations: results.reduce((n, r) => n + r.violations.length, 0),
		outcomes,
		families,
		crashes: results.reduce((n, r) => n + r.crashes, 0),
		hiccups: results.filter((r) => r.notes.length > 0).length,
	};
}

const compact = (value: unknown) => {
	const text = JSON.stringify(value);
	return text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

/** What a failing world did beside its orders: its events, the sweeper, its breakers. */
function worldLines(world: WorldObservation): string[] {
	const breakers = world.breakers
		.filter((b) => b.record)
		.map(
			(b) => `    ${b.name}: ${b.record?.state}, episode ${b.record?.episode}, ${b.held} held, ${b.owed} alerts owed`,
		);
	return [
		...(world.spec.events.length > 0 ? [`  world events: ${JSON.stringify(world.spec.events)}`] : []),
		...(world.log.length > 0 ? [`  world: ${world.log.join("; ")}`] : []),
		...(Object.keys(world.nudges).length > 0 ? [`  sweeper nudges: ${JSON.stringify(world.nudges)}`] : []),
		...(breakers.length > 0 ? ["  breakers:", ...breakers] : []),
	];
}

/** A failing world of several orders: the world, then each order as a failing case would show it. */
export function formatWorld(world: WorldObservation, violations: readonly Violation[], rerun: string): string {
	return [
		`CHAOS VIOLATION in world ${world.spec.id} (${world.orders.length} orders, ${world.spec.shared ? "sharing breakers" : "each its own breakers"})`,
		`  rerun: ${rerun}`,
		"  violations:",
		...violations.map((x) => `    [${x.invariant}] ${x.message}`),
		...worldLines(world),
		...world.orders.map((order) => formatFailure(order, [], rerun)),
	].join("\n");
}

/** Everything needed to understand a failing case without rerunning it: the case, the violations, the run, the history, the ledger. */
export function formatFailure(
	obs: Observation,
	violations: readonly Violation[],
	rerun: string,
	world?: WorldObservation,
): string {
	const { spec, status, ledger } = obs;
	const lines = [
		`CHAOS VIOLATION in case ${spec.id} (order ${spec.orderId})`,
		`  rerun: ${rerun}`,
		...(world ? worldLines(world) : []),
		`  order: ${spec.order}; warehouse: ${spec.warehouse}`,
		`  faults: ${spec.faults.map(describeFault).join("; ") || "none"}`,
		`  planned crashes: ${spec.crashes.map(crashLabel).join(", ") || "none"}${spec.restCrashes ? `; at rest with chance ${spec.restCrashes.chance}` : ""}`,
		`  families: ${familiesOf(spec).join(", ") || "none"}`,
		...(spec.platform.length > 0 ? [`  platform faults: ${JSON.stringify(spec.platform)}`] : []),
		...(spec.interleave.length > 0 ? [`  in flight: ${JSON.stringify(spec.interleave)}`] : []),
		...(spec.midCall.length > 0 ? [`  resets mid-way: ${JSON.stringify(spec.midCall)}`] : []),
		...(spec.timing ? [`  timing: ${JSON.stringify(spec.timing)}`] : []),
		"  violations:",
		...violations.map((x) => `    [${x.invariant}] ${x.message}`),
		`  final: ${status ? `${status.status}, failure ${compact(status.failure)}, alarm ${obs.alarm === null ? "none" : new Date(obs.alarm).toISOString()}` : "no order"}`,
		...(status?.steps ?? []).map(
			(s) => `    step ${s.name}: ${s.status}, ${s.attempts} attempts, last error ${compact(s.lastError)}`,
		),
		`  calls: ${obs.calls.join("; ")}`,
		`  answers: ${obs.answers.map((a) => `${a.action}${a.interleaved ? " (in flight)" : ""} -> ${a.status}`).join("; ") || "none"}`,
		...(obs.d1 ? [`  d1: index ${compact(obs.d1.index)}; dead letters ${compact(obs.d1.deadLetters)}`] : []),
		...obs.notes.map((note) => `  platform: ${note}`),
		"  checkpoints:",
		...obs.trace.map((t) => `    ${t}`),
		"  history:",
		...obs.history.map(({ seq, type, at, ...rest }) => `    #${seq} ${at} ${type} ${compact(rest)}`),
		"  ledger effects:",
		...Object.entries(ledger)
			.filter(([kind]) => kind !== "requests")
			.map(
				([kind, list]) =>
					`    ${kind}: ${(list as { id: string; idempotencyKey: string }[]).map((e) => `${e.id} (${e.idempotencyKey})`).join(", ") || "-"}`,
			),
		"  ledger requests:",
		...ledger.requests.map(
			(r) => `    ${r.operation} ${r.idempotencyKey} -> ${r.status}${r.fault ? ` (fault ${r.fault})` : ""}`,
		),
	];
	return lines.join("\n");
}

/** The message a failing chaos test ends with: every failing case and how to rerun it. */
export function failureSummary(part: string, failures: readonly CaseResult[]): string {
	const shown = failures
		.slice(0, 25)
		.map(
			(f) => `  ${f.id}: ${f.violations.map((x) => `[${x.invariant}] ${x.message}`).join("; ")}\n    rerun: ${f.rerun}`,
		);
	const more = failures.length > 25 ? [`  ... and ${failures.length - 25} more (see chaos-report.json)`] : [];
	return [`${failures.length} ${part} case(s) broke an invariant:`, ...shown, ...more].join("\n");
}
