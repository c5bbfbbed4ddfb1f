import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";

const WRANGLER = "node_modules/wrangler/bin/wrangler.js";

/** A port nobody listens on now, as the OS hands it out: tests never take a fixed port another run may hold. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
			);
		});
	});
}

/**
 * The environment a wrangler started by the tests runs in: no metrics, its own dev registry, and none
 * of the Worker's settings from the caller's shell (they would override the test's own).
 */
export function wranglerEnv(dir: string, settings: readonly string[]): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		WRANGLER_REGISTRY_PATH: `${dir}/registry`,
	};
	for (const name of settings) delete env[name];
	return env;
}

/** Runs a wrangler command to its end, on the Node that runs the tests (wrangler needs Node 22). */
export async function wrangler(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
	await promisify(execFile)(process.execPath, [WRANGLER, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
}

/** A `wrangler dev` the tests started: its URL, and the way to stop it and everything it started. */
export interface DevServer {
	url: string;
	/** What it printed, for the error when it fails to start. */
	output: () => string;
	stop: () => Promise<void>;
}

/**
 * Starts `wrangler dev` in a process group of its own, so that stopping it stops workerd too and
 * nothing else on the machine: only this group is ever signalled, by its id.
 */
export function startDev(args: string[], port: number, env: NodeJS.ProcessEnv): DevServer {
	const child: ChildProcess = spawn(process.execPath, [WRANGLER, "dev", ...args], {
		env,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	child.stdout?.on("data", (chunk) => {
		output = (output + chunk).slice(-20_000);
	});
	child.stderr?.on("data", (chunk) => {
		output = (output + chunk).slice(-20_000);
	});
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	// The group outlives its leader while workerd runs; its id cannot be reused until every member is gone.
	const signal = (name: NodeJS.Signals) => {
		if (child.pid === undefined) return;
		try {
			process.kill(-child.pid, name);
		} catch (error) {
			// ESRCH: the group is gone already; anything else is news.
			if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
		}
	};
	return {
		url: `http://127.0.0.1:${port}`,
		output: () => output,
		stop: async () => {
			signal("SIGTERM");
			const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
			if (!stopped) signal("SIGKILL");
			// workerd may outlive wrangler by a moment: the group, not just its leader, must go.
			await sleep(100);
			signal("SIGKILL");
		},
	};
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers at all (any status), or fails with what the server printed. */
export async function waitUntilServing(server: DevServer, url: string, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		try {
			await fetch(url, { signal: AbortSignal.timeout(2_000) });
			return;
		} catch {
			// Not listening yet: wrangler is still building and starting workerd.
			if (Date.now() > until)
				throw new Error(`wrangler dev did not serve ${url} within ${timeoutMs} ms:\n${server.output()}`);
			await sleep(200);
		}
	}
}
