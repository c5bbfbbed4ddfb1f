import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = `${ROOT}node_modules/wrangler/bin/wrangler.js`;

/** Every server still running, so that any way out of the bench (error, Ctrl-C, exit) stops them. */
const live = new Set();

/** A port nobody listens on now, from the ephemeral range: never 8787/8788, so `npm run dev` keeps working. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Runs `wrangler` with this very Node (v22 under npm scripts), output to a log file, and waits for it
 * to finish. For one-shot commands: `d1 migrations apply`, `deploy --dry-run`.
 */
export async function wrangler(args, logFile) {
	const log = openSync(logFile, "a");
	const child = spawn(process.execPath, [WRANGLER, ...args], {
		cwd: ROOT,
		env: quietEnv(),
		stdio: ["ignore", log, log],
	});
	const code = await new Promise((resolve) => child.once("exit", resolve));
	closeSync(log);
	if (code !== 0) throw new Error(`wrangler ${args.join(" ")} failed (${code}):\n${tail(logFile)}`);
}

/**
 * Starts `wrangler dev` as a process group (wrangler, its workerd) and resolves once it answers HTTP.
 * `stop()` ends the whole group: SIGTERM, then SIGKILL if it lingers.
 */
export async function startDev({ name, args, url, logFile }) {
	const log = openSync(logFile, "a");
	// wrangler logs every request at info level, through its own process: at the bench's rates that
	// logging halved the naive baseline's throughput, so only warnings and errors are kept (in the log file).
	const flags = ["--show-interactive-dev-session=false", "--log-level", "warn"];
	const child = spawn(process.execPath, [WRANGLER, "dev", ...args, ...flags], {
		cwd: ROOT,
		env: quietEnv(),
		stdio: ["ignore", log, log],
		detached: true,
	});
	closeSync(log);
	let exited = false;
	const exit = new Promise((resolve) =>
		child.once("exit", () => {
			exited = true;
			resolve(true);
		}),
	);
	const server = {
		name,
		url,
		logFile,
		pid: child.pid,
		async stop() {
			live.delete(server);
			if (exited) return;
			signal(child.pid, "SIGTERM");
			if (!(await Promise.race([exit, sleep(5000, false)]))) signal(child.pid, "SIGKILL");
			await exit;
		},
	};
	live.add(server);
	const deadline = Date.now() + 90_000;
	while (!(await answers(url))) {
		if (exited) throw new Error(`${name} exited before it was ready:\n${tail(logFile)}`);
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`${name} was not ready within 90 s:\n${tail(logFile)}`);
		}
		await sleep(200);
	}
	return server;
}

/** The servers running now, by name and process group id. */
export const liveServers = () => [...live].map(({ name, pid }) => ({ name, pid }));

export async function stopAll() {
	await Promise.all([...live].map((server) => server.stop()));
}

/** Last resort on `exit`, which allows no waiting: kill every group outright. */
function killAllNow() {
	for (const server of live) signal(server.pid, "SIGKILL");
	live.clear();
}

/** Stops the servers however the bench ends; a signal exits with the conventional 128 + n code. */
export function stopServersOnExit() {
	process.once("exit", killAllNow);
	for (const [name, number] of [
		["SIGINT", 2],
		["SIGTERM", 15],
		["SIGHUP", 1],
	]) {
		process.once(name, () => {
			console.error(`\n${name}: stopping servers`);
			stopAll().finally(() => process.exit(128 + number));
		});
	}
}

function signal(pid, name) {
	try {
		process.kill(-pid, name); // the whole group: wrangler and the workerd it started
	} catch {
		// already gone
	}
}

async function answers(url) {
	try {
		await fetch(url, { signal: AbortSignal.timeout(2000) });
		return true;
	} catch {
		return false;
	}
}

function quietEnv() {
	// No telemetry calls (there is no network) and no colour codes in the logs.
	return { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };
}

export function tail(file, lines = 40) {
	try {
		return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
	} catch {
		return "(no log)";
	}
}
