import { durableObjectCost, OTHER_PLATFORMS, otherPlatformCost, PRICES } from "./pricing.mjs";
import { round } from "./stats.mjs";

/** The goals. They are reported, never asserted: a miss is a finding, not a failed run. */
const GOALS = {
	// Issue 18: take the speed back. Billed rows (rows + alarm writes) of a happy-path order.
	rowsWrittenPerOrder: { atMost: 10 },
	throughputVsNaiveAt64: { atLeast: 0.6 },
	throughputVsWorkflowsAt64: { atLeast: 2.0 },
	throughputVsWorkflowsAt16: { atLeast: 1.5 },
	p50LatencyVsNaiveAt1: { atMost: 1.6 },
	// The orchestrator's own workerd against the Workflows version's, CPU per order at 64 clients.
	runtimeCpuVsWorkflowsAt64: { atMost: 0.4 },
	pollP99MsWhileBusy: { atMost: 20 },
	// The outage point (issue 9): nothing undone, few calls at the dead service, a gentle return.
	outageCompensated: { atMost: 0 },
	outageFailedCallsDuringOutage: { atMost: 100 },
	outageMaxCallsPerSecondAfterRecovery: { atMost: 24 },
	outageOrdersNotCompleted: { atMost: 0 },
};

const at = (system, concurrency) => system?.points.find((p) => p.concurrency === concurrency);
const ratio = (a, b) => (a && b ? round(a.ordersPerSecond / b.ordersPerSecond, 2) : null);
const quotient = (a, b) => (a == null || !b ? null : round(a / b, 2));
const runtimeCpu = (system, name, concurrency) => at(system, concurrency)?.cpu?.msPerOrder[name]?.runtime ?? null;

/** US$ per million orders for each path, next to the other platforms' published units. */
export function costs(orchestrator) {
	const storageBytes = orchestrator.growth[0].objectBytesPerOrder;
	const activeSeconds = {
		// The order's object is busy while its calls are in flight; with the pick immediate, that is its latency alone.
		happy: orchestrator.points[0].latencyMs.mean / 1000,
		outOfStock: orchestrator.failurePaths.outOfStock.latencyMs.mean / 1000,
		declined: orchestrator.failurePaths.declined.latencyMs.mean / 1000,
	};
	const perPath = {};
	for (const path of ["happy", "outOfStock", "declined"]) {
		perPath[path] = {
			durableObjects: durableObjectCost({
				...orchestrator.usage[path],
				activeSeconds: activeSeconds[path],
				storageBytes,
			}),
			...otherPlatformCost(path),
		};
	}
	return {
		unit: "US$ per million orders",
		prices: PRICES,
		assumptions: {
			durableObjects: [
				"rows written = the engine's rowsWritten + alarmsSet (each setAlarm is billed as a row written)",
				"requests = placing the order, the pick callback and alarm invocations; the bench's own status reads are left out",
				`duration = the order's mean latency at concurrency 1 (${round(activeSeconds.happy * 1000)} ms happy path) x 128 MB; waiting for the pick costs none (an idle object hibernates)`,
				"storage = the SQLite database size of one order's object (pages x page size, read from the local files), per month kept; the D1 order index, Queues and the Worker's own requests are not included",
			],
			...Object.fromEntries(Object.entries(OTHER_PLATFORMS).map(([k, v]) => [k, v.assumptions])),
		},
		perPath,
	};
}

export function summarize({ orchestrator, naive, workflows }) {
	const outage = orchestrator?.outage ?? null;
	const summary = {
		rowsWrittenPerOrder: orchestrator?.usage.happy.billedRowsWritten ?? null,
		throughputVsNaiveAt64: ratio(at(orchestrator, 64), at(naive, 64)),
		throughputVsWorkflowsAt64: ratio(at(orchestrator, 64), at(workflows, 64)),
		throughputVsWorkflowsAt16: ratio(at(orchestrator, 16), at(workflows, 16)),
		p50LatencyVsNaiveAt1: quotient(at(orchestrator, 1)?.latencyMs.p50, at(naive, 1)?.latencyMs.p50),
		runtimeCpuVsWorkflowsAt64: quotient(
			runtimeCpu(orchestrator, "orchestrator", 64),
			runtimeCpu(workflows, "workflows", 64),
		),
		logEventsPerOrder: orchestrator?.profile?.logEventsPerOrder ?? null,
		cpuMsPerOrderNoReads: orchestrator?.orderCost?.cpuMsPerOrderNoReads ?? null,
		cpuMsPerStatusRead: orchestrator?.orderCost?.cpuMsPerStatusRead ?? null,
		pollP99MsWhileBusy: orchestrator?.pollWhileBusy.readsMs.p99 ?? null,
		outageCompensated: outage?.compensated ?? null,
		outageFailedCallsDuringOutage: outage?.failedCallsDuringOutage ?? null,
		outageMaxCallsPerSecondAfterRecovery: outage?.maxCallsPerSecondAfterRecovery ?? null,
		outageOrdersNotCompleted: outage ? outage.orders - outage.completed : null,
	};
	const goals = {};
	for (const [key, goal] of Object.entries(GOALS)) {
		const value = summary[key] ?? null;
		const met = value === null ? null : goal.atMost !== undefined ? value <= goal.atMost : value >= goal.atLeast;
		goals[key] = { ...goal, value, met };
	}
	const happy = orchestrator ? costs(orchestrator).perPath.happy : null;
	// Robust to other load on the machine, unlike orders/s: what each system spends per order at 64 clients.
	const cpuMsPerOrderAt64 = Object.fromEntries(
		Object.entries({ orchestrator, naive, workflows })
			.filter(([, system]) => at(system, 64)?.cpu)
			.map(([name, system]) => [name, at(system, 64).cpu.msPerOrder.total]),
	);
	// The same ratios at every concurrency measured, for the shape of the curve.
	const ratios = {};
	for (const point of orchestrator?.points ?? []) {
		const c = point.concurrency;
		ratios[c] = { vsNaive: ratio(point, at(naive, c)), vsWorkflows: ratio(point, at(workflows, c)) };
	}
	return {
		...summary,
		outage: outage && {
			orders: outage.orders,
			compensated: outage.compensated,
			failedCallsDuringOutage: outage.failedCallsDuringOutage,
			drainSeconds: outage.drainSeconds,
			maxCallsPerSecondAfterRecovery: outage.maxCallsPerSecondAfterRecovery,
		},
		throughputRatiosByConcurrency: ratios,
		cpuMsPerOrderAt64,
		costPerMillionOrdersUsd: happy && {
			durableObjects: happy.durableObjects.perMillionOrders,
			stepFunctionsStandard: happy.stepFunctionsStandard,
			temporalCloud: happy.temporalCloud,
		},
		goals,
	};
}
