// `npm run bench`: the orchestrator against a naive floor and a Cloudflare Workflows version, all on
// local workerd against the same sandbox services, offline. See BENCHMARKS.md for the method.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { benchBaseline } from "./lib/bench-baseline.mjs";
import { benchOrchestrator } from "./lib/bench-orchestrator.mjs";
import { machine } from "./lib/machine.mjs";
import { ROOT, stopAll, stopServersOnExit } from "./lib/processes.mjs";
import { humanSummary } from "./lib/report.mjs";
import { settings } from "./lib/settings.mjs";
import { round } from "./lib/stats.mjs";
import { costs, summarize } from "./lib/summary.mjs";

if (Number(process.versions.node.split(".")[0]) < 22) {
	console.error(`wrangler needs Node 22 or newer, this is ${process.version}: run it as \`npm run bench\`.`);
	process.exit(1);
}

/**
 * Local workerd commits every SQLite transaction with an fsync on the one thread that runs all of a
 * Worker's objects, so on a disk each write stalls every order at once; production storage does not
 * stall the isolate. State therefore lives on tmpfs when there is one (BENCH_TMPDIR overrides).
 */
const stateRoot = process.env.BENCH_TMPDIR ?? (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());
const log = (line) => console.error(line);

async function main() {
	stopServersOnExit();
	const startedAt = Date.now();
	const dir = mkdtempSync(`${stateRoot}/saga-edge-bench-`);
	// Also on Ctrl-C, which ends the process from the signal handler: no run leaves state behind.
	if (!settings.keepTemp) process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
	log(`bench: state and logs in ${dir}; ${JSON.stringify(settings)}`);
	const systems = {};
	try {
		for (const name of settings.systems) {
			log(`bench: ${name}`);
			systems[name] = name === "orchestrator" ? await benchOrchestrator(dir, log) : await benchBaseline(dir, name, log);
		}
	} finally {
		await stopAll();
	}
	const results = {
		summary: summarize(systems),
		startedAt: new Date(startedAt).toISOString(),
		durationSeconds: round((Date.now() - startedAt) / 1000, 0),
		machine: machine(),
		settings: { ...settings, stateRoot },
		costs: systems.orchestrator ? costs(systems.orchestrator) : null,
		systems,
	};
	writeFileSync(`${ROOT}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
	console.log(humanSummary(results));
	console.log();
	console.log(JSON.stringify(results, null, 2));
}

main().catch(async (error) => {
	console.error("bench failed:", error);
	await stopAll();
	process.exit(1);
});
