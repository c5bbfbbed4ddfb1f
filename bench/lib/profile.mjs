import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { openInspector } from "./inspector.mjs";
import { round } from "./stats.mjs";

/** Sampling interval, µs: fine enough for a few ms per order, coarse enough not to be the load. */
const SAMPLING_US = 250;

/**
 * Where each line of a bundle came from. esbuild heads every module it inlines with a `// path`
 * comment, so a sample's line number names its source file without a source map.
 */
function moduleMap(bundlePath) {
	const starts = [];
	readFileSync(bundlePath, "utf8")
		.split("\n")
		.forEach((line, index) => {
			const match = /^\/\/ (\S+\.(?:[cm]?js|tsx?))$/.exec(line);
			if (!match) return;
			const path = match[1];
			const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
			starts.push({ line: index, module: pkg ? pkg[1] : path.replace(/^.*?(?=(src|sandbox)\/)/, "") });
		});
	return (line) => {
		let lo = 0;
		let hi = starts.length - 1;
		let found = "(bundle)";
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (starts[mid].line <= line) {
				found = starts[mid].module;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		return found;
	};
}

/**
 * The causes of the table in BENCHMARKS.md, first match wins. A sample counts where the CPU was spent
 * (self time): in a source module of ours or a library, or in one of the runtime's built-ins, which
 * V8 names but places nowhere (storage, subrequests, crypto, console).
 */
const CAUSES = [
	["(idle)", ({ fn }) => fn === "(idle)"],
	[
		"rate limit (the binding, emulated locally by a subrequest)",
		({ module, path }) => [module, ...path].some((m) => m.includes(":ratelimit:")),
	],
	["garbage collection", ({ fn }) => fn === "(garbage collector)"],
	["runtime outside JavaScript (I/O, storage engine, RPC plumbing)", ({ fn }) => fn === "(program)"],
	["log lines (console)", ({ module, fn }) => module === "(native)" && /^(log|info|warn|error|debug)$/.test(fn)],
	["log lines (building them)", ({ module }) => module.endsWith("order/log-lines.ts")],
	["tracing spans", ({ module, fn }) => module === "(native)" && /span|trac|attribute/i.test(fn)],
	[
		"storage calls (built-in)",
		({ module, fn }) =>
			module === "(native)" &&
			/^(get|put|delete|list|exec|one|toArray|raw|next|transactionSync|sync|setAlarm|getAlarm|deleteAlarm|deleteAll)$/.test(
				fn,
			),
	],
	[
		"subrequests and RPC (built-in)",
		({ module, fn }) => module === "(native)" && /fetch|idFromName|getByName|send|sendBatch|stub|rpc/i.test(fn),
	],
	[
		"crypto (built-in)",
		({ module, fn }) => module === "(native)" && /digest|sign|verify|importKey|randomUUID|getRandomValues/.test(fn),
	],
	["JSON (built-in)", ({ module, fn }) => module === "(native)" && /^(parse|stringify)$/.test(fn)],
	["other built-ins", ({ module }) => module === "(native)"],
	["validation (zod)", ({ module }) => /^(zod|@asteasolutions\/zod-to-openapi|@hono\/zod-)/.test(module)],
	["routing (hono)", ({ module }) => module.startsWith("hono")],
	["the runtime's own JavaScript (bindings)", ({ module }) => module.includes(":")],
	["other libraries", ({ module }) => !module.startsWith("src/")],
	["HTTP API (auth, keys, routes, problems)", ({ module }) => module.startsWith("src/api/")],
	["operator console", ({ module }) => module.startsWith("src/console/")],
	["breakers, index, alerts, sweeper", ({ module }) => module.startsWith("src/ops/")],
	["journal and storage (engine)", ({ module }) => /src\/engine\/(journal|journal-rows|store|alarm)\.ts$/.test(module)],
	["engine: run loop, steps, retries, hand-overs", ({ module }) => module.startsWith("src/engine/")],
	["order workflow, status, personal data", ({ module }) => module.startsWith("src/order/")],
	["other code of ours", () => true],
];

function causeOf(frame) {
	return CAUSES.find(([, matches]) => matches(frame))[0];
}

/** Self time per function and per cause, in µs, from a V8 CPU profile. */
function aggregate(profile, moduleAt, bundleUrl) {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parents = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
	// Our bundle by line; the runtime's own JavaScript (bindings' wrappers) by its url; built-ins have none.
	const moduleOf = ({ url, lineNumber }) => (url === "" ? "(native)" : url === bundleUrl ? moduleAt(lineNumber) : url);
	const frames = new Map();
	const frameOf = (id) => {
		let frame = frames.get(id);
		if (!frame) {
			const { callFrame } = nodes.get(id);
			const path = [];
			for (let at = parents.get(id); at !== undefined; at = parents.get(at))
				path.push(moduleOf(nodes.get(at).callFrame));
			frame = { module: moduleOf(callFrame), fn: callFrame.functionName || "(anonymous)", path };
			frames.set(id, frame);
		}
		return frame;
	};
	const byFunction = new Map();
	profile.samples.forEach((id, i) => {
		const frame = frameOf(id);
		const cause = causeOf(frame);
		const key = `${cause} ${frame.module} ${frame.fn}`;
		const entry = byFunction.get(key) ?? { module: frame.module, fn: frame.fn, cause, us: 0 };
		entry.us += profile.timeDeltas[i] ?? 0;
		byFunction.set(key, entry);
	});
	const byCause = new Map();
	for (const entry of byFunction.values()) byCause.set(entry.cause, (byCause.get(entry.cause) ?? 0) + entry.us);
	return { byFunction: [...byFunction.values()], byCause };
}

/**
 * Runs `work` (which finishes `orders` orders) under a CPU profile of the server's runtime, taken
 * through its inspector, and counts the console calls the runtime made meanwhile (each is a log
 * event Workers Logs would bill). V8 samples on wall time: while the two cores are shared with the
 * other processes of the bench, a sample also counts the time its thread waited for a core, so the
 * samples add up to more than the CPU the kernel counts. Their shares are what a profile tells; the
 * caller scales them to CPU measured without the profiler. Idle samples are left out.
 */
export async function profiled({ inspectorPort, bundle }, orders, work) {
	const inspector = await openInspector(inspectorPort);
	let consoleCalls = 0;
	const lines = new Map();
	// V8 replays the console messages it kept (up to a thousand) when the inspector connects: those are
	// earlier phases' lines, so counting starts with the profile.
	let counting = false;
	inspector.on("Runtime.consoleAPICalled", ({ type, args }) => {
		if (!counting) return;
		consoleCalls++;
		// What kind of line: its level and its first words (a JSON line by its message and type).
		const text = String(args?.[0]?.value ?? args?.[0]?.description ?? "");
		const json = /^\{"message":"([^"]*)".*?"type":"([^"]*)"/.exec(text);
		const kind = `${type}: ${json ? `${json[1]} ${json[2]}` : text.slice(0, 60)}`;
		lines.set(kind, (lines.get(kind) ?? 0) + 1);
	});
	try {
		await inspector.send("Profiler.enable");
		await inspector.send("Profiler.setSamplingInterval", { interval: SAMPLING_US });
		await inspector.send("Profiler.start");
		counting = true;
		const result = await work();
		const { profile } = await inspector.send("Profiler.stop", {}, 120_000);
		if (process.env.BENCH_PROFILE_FILE) writeFileSync(process.env.BENCH_PROFILE_FILE, JSON.stringify(profile));
		const { byFunction, byCause } = aggregate(profile, moduleMap(bundle), basename(bundle));
		const busy = [...byCause].filter(([cause]) => cause !== "(idle)");
		const total = busy.reduce((sum, [, us]) => sum + us, 0);
		const share = (us) => round((100 * us) / total, 1);
		return {
			result,
			profile: {
				orders,
				samplingIntervalUs: SAMPLING_US,
				logEventsPerOrder: round(consoleCalls / orders, 2),
				logEventsByKind: Object.fromEntries(
					[...lines].sort((a, b) => b[1] - a[1]).map(([kind, n]) => [kind, round(n / orders, 2)]),
				),
				sampledMsPerOrder: round(total / 1000 / orders, 2),
				/** Percent of the busy samples. */
				byCause: Object.fromEntries(busy.sort((a, b) => b[1] - a[1]).map(([cause, us]) => [cause, share(us)])),
				topFunctions: byFunction
					.filter((f) => f.fn !== "(idle)")
					.sort((a, b) => b.us - a.us)
					.slice(0, 25)
					.map((f) => ({ function: f.fn, module: f.module, cause: f.cause, percent: share(f.us) })),
			},
		};
	} finally {
		await inspector.send("Profiler.disable").catch(() => {});
		await inspector.close();
	}
}
