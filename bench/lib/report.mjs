/** The human summary: the same numbers as the JSON, laid out in tables. */

const pad = (value, width) => String(value ?? "-").padStart(width);
const padEnd = (value, width) => String(value ?? "-").padEnd(width);
const fixed = (ms) => Math.round(ms * 100) / 100;
const PATHS = { happy: "happy path", outOfStock: "out of stock", declined: "card declined" };

export function humanSummary(results) {
	const { machine, systems, summary, costs } = results;
	const lines = [];
	const say = (line = "") => lines.push(line);
	say(
		`saga-edge bench: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, node ${machine.node}, wrangler ${machine.wrangler}, workerd ${machine.workerd}`,
	);
	say(`run took ${results.durationSeconds} s`);
	say();
	say("Throughput and latency, happy path, POST /orders to completed (closed loop)");
	say(
		`${padEnd("system", 14)}${pad("clients", 8)}${pad("orders/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("orders", 8)}`,
	);
	for (const [name, system] of Object.entries(systems)) {
		for (const p of system.points) {
			say(
				`${padEnd(name, 14)}${pad(p.concurrency, 8)}${pad(p.ordersPerSecond, 10)}${pad(p.latencyMs.p50, 9)}${pad(p.latencyMs.p99, 9)}${pad(p.orders, 8)}`,
			);
		}
	}
	say();
	say("CPU per order at the last point, all processes of the bench (ms; two cores shared by everything)");
	say(
		`${padEnd("system", 14)}${pad("runtime", 9)}${pad("proxy", 7)}${pad("sandbox", 9)}${pad("tooling", 9)}${pad("client", 8)}${pad("total", 7)}${pad("other load", 12)}`,
	);
	for (const [name, system] of Object.entries(systems)) {
		const cpu = system.points.at(-1)?.cpu;
		if (!cpu) continue;
		const own = cpu.msPerOrder[name] ?? {};
		const sandbox = cpu.msPerOrder.sandbox ?? {};
		const tooling = (own.tooling ?? 0) + (sandbox.tooling ?? 0);
		const sandboxMs = (sandbox.runtime ?? 0) + (sandbox.devProxy ?? 0);
		say(
			`${padEnd(name, 14)}${pad(own.runtime, 9)}${pad(own.devProxy, 7)}${pad(fixed(sandboxMs), 9)}${pad(fixed(tooling), 9)}${pad(cpu.msPerOrder.loadGenerator, 8)}${pad(cpu.msPerOrder.total, 7)}${pad(`${cpu.otherLoadCores} cores`, 12)}`,
		);
	}
	const orchestrator = systems.orchestrator;
	if (orchestrator) {
		say();
		say(`Cost per order (engine counts; ${costs.unit}, list prices of ${costs.prices.asOf})`);
		say(
			`${padEnd("path", 15)}${pad("rows written", 13)}${pad("+alarms", 8)}${pad("rows read", 10)}${pad("requests", 9)}${pad("DO US$/M", 10)}${pad("StepFn", 8)}${pad("Temporal", 9)}`,
		);
		for (const [path, label] of Object.entries(PATHS)) {
			const u = orchestrator.usage[path];
			const c = costs.perPath[path];
			say(
				`${padEnd(label, 15)}${pad(u.rowsWritten, 13)}${pad(u.alarmsSet, 8)}${pad(u.rowsRead, 10)}${pad(u.requests, 9)}${pad(c.durableObjects.perMillionOrders, 10)}${pad(c.stepFunctionsStandard, 8)}${pad(c.temporalCloud, 9)}`,
			);
		}
		say(
			`  storage: ${costs.perPath.happy.durableObjects.storagePerMillionOrdersPerMonth} US$ per million orders per month kept`,
		);
		const lost = orchestrator.answerLost;
		if (lost)
			say(
				`  charge applied, answer lost (asked, learned): ${JSON.stringify(lost.statuses)}, ${lost.usage.rowsWritten} rows + ${lost.usage.alarmsSet} alarms, ${lost.usage.requests} requests, ${lost.cost.perMillionOrders} DO US$/M`,
			);
		say();
		say("Where the orchestrator's time goes (median ms per phase, from each order's journal)");
		for (const p of orchestrator.points) {
			const parts = Object.entries(p.phasesMs ?? {}).map(([name, ms]) => `${name} ${ms}`);
			say(`  ${pad(p.concurrency, 3)} clients: ${parts.join(", ")}`);
		}
		const profile = orchestrator.profile;
		if (profile) {
			say();
			say(
				`The orchestrator's runtime CPU per order by cause (shares of a CPU profile of ${profile.orders} orders at ${profile.concurrency} clients)`,
			);
			say(`${pad("%", 7)}${pad("ms", 8)}  cause`);
			for (const [cause, { percent, ms }] of Object.entries(profile.byCause))
				say(`${pad(percent, 7)}${pad(ms, 8)}  ${cause}`);
			say(
				`${pad(100, 7)}${pad(profile.runtimeCpuMsPerOrder, 8)}  in all; ${profile.logEventsPerOrder} log events per order`,
			);
		}
		const cost = orchestrator.orderCost;
		if (cost) {
			say();
			say(`CPU per order without the bench's polling (ms; ${cost.orders} orders, ${cost.readsPerOrder} reads each)`);
			say(`${padEnd("", 28)}${pad("runtime", 9)}${pad("proxy", 7)}${pad("all", 7)}`);
			for (const [label, row] of [
				["an order and its one read", cost.cpuMsPerOrderWithOneRead],
				["a status read", cost.cpuMsPerStatusRead],
				["an order, no reads (derived)", cost.cpuMsPerOrderNoReads],
			]) {
				if (row) say(`${padEnd(label, 28)}${pad(row.runtime, 9)}${pad(row.devProxy, 7)}${pad(row.total, 7)}`);
			}
		}
		say();
		say("Status reads while the order's charge takes 2 s");
		for (const [name, system] of Object.entries(systems)) {
			const r = system.pollWhileBusy?.readsMs;
			if (r) say(`  ${padEnd(name, 13)} p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${r.count} reads)`);
		}
		say();
		say(`Growth (orchestrator, ${orchestrator.points.at(-1).concurrency} clients)`);
		say(
			`${pad("orders existing", 16)}${pad("orders/s", 10)}${pad("p50 ms", 9)}${pad("CPU ms", 8)}${pad("billed rows", 12)}${pad("object B", 10)}${pad("D1 B", 7)}${pad("journal B", 10)}`,
		);
		for (const g of orchestrator.growth) {
			say(
				`${pad(g.ordersExisting, 16)}${pad(g.ordersPerSecond, 10)}${pad(g.latencyMs.p50, 9)}${pad(g.cpuMsPerOrder, 8)}${pad(g.usage.billedRowsWritten, 12)}${pad(g.objectBytesPerOrder, 10)}${pad(g.d1BytesPerOrder, 7)}${pad(g.journalBytesPerOrder, 10)}`,
			);
		}
	}
	say();
	say("Ledger: each order charged once (refunded when compensated, never when declined)");
	for (const [name, system] of Object.entries(systems)) {
		const l = system.ledger;
		say(`  ${padEnd(name, 13)} ${l.correct}/${l.orders}${l.problems.length ? `; e.g. ${l.problems.join("; ")}` : ""}`);
	}
	say();
	say("Goals (reported, not asserted)");
	for (const [key, goal] of Object.entries(summary.goals)) {
		const bound = goal.atMost !== undefined ? `<= ${goal.atMost}` : `>= ${goal.atLeast}`;
		const verdict = goal.met === null ? "not measured" : goal.met ? "met" : "MISSED";
		say(`  ${padEnd(key, 27)} ${pad(goal.value, 7)}  goal ${padEnd(bound, 7)} ${verdict}`);
	}
	return lines.join("\n");
}
