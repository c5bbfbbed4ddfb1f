import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { KEYS, OPERATOR_NAME } from "./keys";
import { type DevServer, freePort, startDev, waitUntilServing, wrangler, wranglerEnv } from "./wrangler";

declare module "vitest" {
	export interface ProvidedContext {
		/** The Chromium the tests drive; empty when none was found (the tests are then skipped). */
		chromium: string;
		/** Base URLs of the orchestrator and the sandbox the global setup started. */
		orchestrator: string;
		sandbox: string;
	}
}

/** The Worker's secrets (wrangler.jsonc's `secrets.required`), given to wrangler as an env file. */
const SECRETS = ["API_KEYS", "OPERATOR_KEYS", "CALLBACK_SECRET", "ALERT_WEBHOOK_URL"] as const;

/** Every setting the tests give; the same names in the caller's shell are ignored. */
const SETTINGS = [
	"API_KEYS",
	"OPERATOR_KEYS",
	"CALLBACK_SECRET",
	"ALERT_WEBHOOK_URL",
	"PAYMENTS_URL",
	"INVENTORY_URL",
	"SHIPPING_URL",
	"EMAIL_URL",
	"PUBLIC_BASE_URL",
	"DOWNSTREAM_API_KEY",
	"SANDBOX_KEY",
	"ORCHESTRATOR_URL",
] as const;

/** Up to a minute for a cold start: two builds and two workerds on a busy two-core machine. */
const START_TIMEOUT_MS = 60_000;

async function distinctPorts(count: number): Promise<number[]> {
	const ports = new Set<number>();
	while (ports.size < count) ports.add(await freePort());
	return [...ports];
}

/**
 * Starts the orchestrator and the sandbox with `wrangler dev`, as `npm run dev` does, but on free
 * ports, in a temporary state directory, and wired to each other: the orchestrator's downstream
 * URLs and alert webhook point at this sandbox, and the sandbox calls back this orchestrator.
 */
export default async function setup(project: TestProject) {
	if (!project.config.provide?.chromium) return;
	const dir = await mkdtemp(join(tmpdir(), "saga-edge-browser-"));
	const [ordersPort, ordersInspector, sandboxPort, sandboxInspector] = await distinctPorts(4);
	const orders = `http://127.0.0.1:${ordersPort}`;
	const sandbox = `http://127.0.0.1:${sandboxPort}`;
	const env = wranglerEnv(dir, SETTINGS);
	const common = ["--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", "warn"];
	const secrets: Record<(typeof SECRETS)[number], string> = {
		API_KEYS: `shop:${KEYS.client},acme:shop:${KEYS.acmeClient}`,
		OPERATOR_KEYS: `${OPERATOR_NAME}:${KEYS.operator},ops-sessions:${KEYS.sessionsOperator}`,
		CALLBACK_SECRET: "browser:browser-callback-secret-0001",
		ALERT_WEBHOOK_URL: `${sandbox}/alerts`,
	};
	const vars = {
		PAYMENTS_URL: `${sandbox}/payments`,
		INVENTORY_URL: `${sandbox}/inventory`,
		SHIPPING_URL: `${sandbox}/shipping`,
		EMAIL_URL: `${sandbox}/email`,
		PUBLIC_BASE_URL: orders,
		// Two orders fail every attempt and every question about it at once (attention.test.ts): more than the
		// default's 10 failures, which would open payments' breaker and hold them, where a person should see them.
		BREAKER_FAILURES: "100",
		// Every file signs in with the one operator key, three at a time, and a closed page's stream is freed
		// at its next heartbeat: the default's 10 streams per key would refuse a live view for the others'.
		STREAMS_PER_KEY: "40",
	};
	const servers: DevServer[] = [];
	const stop = async () => {
		await Promise.all(servers.map((server) => server.stop()));
		await rm(dir, { recursive: true, force: true });
	};
	try {
		// Given an env file, wrangler reads no .dev.vars of the checkout: only what the tests give it.
		const secretsFile = join(dir, "secrets.env");
		const noneFile = join(dir, "none.env");
		await writeFile(
			secretsFile,
			Object.entries(secrets)
				.map(([name, value]) => `${name}=${value}\n`)
				.join(""),
		);
		await writeFile(noneFile, "");
		const migrations = wrangler(
			["d1", "migrations", "apply", "saga-edge", "--local", "--persist-to", join(dir, "orders")],
			env,
		);
		const sandboxServer = startDev(
			[
				"-c",
				"sandbox/wrangler.jsonc",
				...common,
				"--env-file",
				noneFile,
				"--port",
				String(sandboxPort),
				"--inspector-port",
				String(sandboxInspector),
				"--persist-to",
				join(dir, "sandbox"),
				"--var",
				`ORCHESTRATOR_URL:${orders}`,
			],
			sandboxPort,
			env,
		);
		servers.push(sandboxServer);
		await migrations;
		const settings = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
		const ordersServer = startDev(
			[
				...common,
				"--env-file",
				secretsFile,
				"--port",
				String(ordersPort),
				"--inspector-port",
				String(ordersInspector),
				"--persist-to",
				join(dir, "orders"),
				...settings,
			],
			ordersPort,
			env,
		);
		servers.push(ordersServer);
		await Promise.all([
			waitUntilServing(sandboxServer, `${sandbox}/ledger?orderId=ready`, START_TIMEOUT_MS),
			waitUntilServing(ordersServer, `${orders}/openapi.json`, START_TIMEOUT_MS),
		]);
	} catch (error) {
		await stop();
		throw error;
	}
	project.provide("orchestrator", orders);
	project.provide("sandbox", sandbox);
	return stop;
}
