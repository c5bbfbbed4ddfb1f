import { existsSync, readdirSync, readFileSync } from "node:fs";
import { liveServers } from "./processes.mjs";

const TICK_MS = 10; // USER_HZ is 100 on Linux
const available = existsSync("/proc/stat");

/** wrangler dev runs the Worker in one workerd and a stable-URL proxy in front of it in another. */
function role(args) {
	if (!args[0].endsWith("workerd")) return "tooling"; // wrangler's Node process, esbuild
	return args.some((a) => a === "--socket-addr=entry=127.0.0.1:0") ? "runtime" : "devProxy";
}

function processTimes() {
	const groups = new Map(liveServers().map((s) => [s.pid, s.name]));
	const times = {};
	for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			const server = groups.get(Number(fields[2])); // process group id
			if (!server) continue;
			const kind = role(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"));
			const key = `${server}.${kind}`;
			times[key] = (times[key] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
		} catch {
			// the process ended meanwhile
		}
	}
	return times;
}

function machineBusyMs() {
	const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
	const idle = ticks[3] + ticks[4]; // idle + iowait
	return (ticks.reduce((sum, t) => sum + t, 0) - idle) * TICK_MS;
}

function snapshot() {
	const own = process.cpuUsage();
	return {
		at: Date.now(),
		machine: machineBusyMs(),
		processes: processTimes(),
		driver: (own.user + own.system) / 1000,
	};
}

/**
 * CPU time per order of every process of the bench while `work` runs: each server's runtime, dev proxy
 * and tooling, and the load generator. The systems share two cores, so where saturated their
 * throughputs are in inverse proportion to these totals. `otherLoadCores` is the CPU the rest of the
 * machine used meanwhile, which the numbers of that point competed with. Linux only; null elsewhere.
 */
export async function measureCpu(orders, work) {
	if (!available) return { result: await work(), cpu: null };
	const before = snapshot();
	const result = await work();
	const after = snapshot();
	const perOrder = (ms) => Math.round((ms / orders) * 100) / 100;
	const byProcess = {};
	let ours = after.driver - before.driver;
	for (const [key, ms] of Object.entries(after.processes)) {
		const used = ms - (before.processes[key] ?? 0);
		ours += used;
		const [server, kind] = key.split(".");
		byProcess[server] ??= {};
		byProcess[server][kind] = perOrder(used);
	}
	const wallMs = after.at - before.at;
	return {
		result,
		cpu: {
			msPerOrder: { ...byProcess, loadGenerator: perOrder(after.driver - before.driver), total: perOrder(ours) },
			otherLoadCores: Math.round((Math.max(0, after.machine - before.machine - ours) / wallMs) * 100) / 100,
		},
	};
}
