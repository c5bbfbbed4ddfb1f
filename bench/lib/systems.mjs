import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { readJsonc } from "./jsonc.mjs";
import { freePort, ROOT, startDev, wrangler } from "./processes.mjs";
import { settings as benchSettings } from "./settings.mjs";

export const CLIENT_KEY = "bench-client-key";
const CALLBACK_SECRET = randomBytes(24).toString("hex");

/** Values for the orchestrator's required secrets; a new required secret needs a line here. */
const SECRET_VALUES = {
	API_KEYS: CLIENT_KEY,
	OPERATOR_KEYS: "bench:bench-operator-key",
	CALLBACK_SECRET,
	ALERT_WEBHOOK_URL: "http://127.0.0.1:8788/alerts",
};

/** The documented local defaults in wrangler.jsonc, which the bench moves to ports of its own. */
const DEV_ORCHESTRATOR = "http://127.0.0.1:8787";
const DEV_SANDBOX = "http://127.0.0.1:8788";

/** Raised per-key rate limit: the bench's clients poll every few ms, and the bench measures orders, not refusals. */
const BENCH_RATE_LIMIT = 1_000_000;

/**
 * wrangler.jsonc as it is, but for the rate limit, written beside the run's files (paths made absolute).
 */
function benchConfig(at, config) {
	const path = `${at.dir}/orchestrator.wrangler.json`;
	const { $schema, ...rest } = config;
	const derived = {
		...rest,
		main: `${ROOT}${config.main}`,
		d1_databases: (config.d1_databases ?? []).map((db) => ({ ...db, migrations_dir: `${ROOT}${db.migrations_dir}` })),
		ratelimits: (config.ratelimits ?? []).map((r) => ({ ...r, simple: { ...r.simple, limit: BENCH_RATE_LIMIT } })),
	};
	writeFileSync(path, JSON.stringify(derived, null, "\t"));
	return path;
}

const vars = (record) => Object.entries(record).flatMap(([key, value]) => ["--var", `${key}:${value}`]);

/**
 * Ports and files for one server. A restarted sandbox keeps its ports (the orchestrator's URLs point
 * at them) and gets a fresh state directory each time.
 */
export async function address(dir, name, label = name) {
	const [port, inspector] = [await freePort(), await freePort()];
	let starts = 0;
	return {
		dir,
		name,
		label,
		url: `http://127.0.0.1:${port}`,
		inspectorPort: inspector,
		logFile: `${dir}/${name}.log`,
		args() {
			const persist = `${dir}/${name}${starts++ ? `-${starts}` : ""}`;
			mkdirSync(persist, { recursive: true });
			const listen = ["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)];
			return { persist, args: [...listen, "--persist-to", persist] };
		},
	};
}

/**
 * Bundles the Worker once, as `wrangler deploy --dry-run` would ship it, and `wrangler dev` then serves
 * that file (`--no-bundle`). `wrangler dev` reloads the Worker whenever its sources change; bundling
 * first keeps the code under test fixed for the whole run, however the working tree changes meanwhile.
 */
async function bundle(at, config) {
	const outdir = `${at.dir}/build/${at.name}`;
	await wrangler(["deploy", "--dry-run", "-c", config, "--outdir", outdir], at.logFile);
	const script = readdirSync(outdir).find((file) => file.endsWith(".js"));
	if (!script) throw new Error(`wrangler deploy --dry-run left no script in ${outdir}`);
	return `${outdir}/${script}`;
}

async function start(at, { config, settings, readyPath, prepare = async () => {} }) {
	const { persist, args } = at.args();
	at.script ??= await bundle(at, config);
	await prepare(persist);
	const server = await startDev({
		name: at.label,
		args: [at.script, "--no-bundle", "-c", config, ...vars(settings), ...args],
		url: `${at.url}${readyPath}`,
		logFile: at.logFile,
	});
	return { ...server, url: at.url, persist, inspectorPort: at.inspectorPort, bundle: at.script };
}

/** The sandbox services, fresh state, picking every shipment at once through its callback URL (at `callbacksTo`). */
export const startSandbox = (at, callbacksTo) =>
	start(at, {
		config: "sandbox/wrangler.jsonc",
		settings: { SANDBOX_AUTO_PICK_SECONDS: "0", ORCHESTRATOR_URL: callbacksTo },
		readyPath: "/ledger",
	});

/**
 * The orchestrator as `wrangler.jsonc` describes it (but for its rate limit), with its sandbox URLs,
 * public URL and secrets pointed at this run, and its D1 schema applied to a fresh local database first.
 */
export function startOrchestrator(at, sandboxUrl) {
	const config = readJsonc(`${ROOT}wrangler.jsonc`);
	const applyMigrations = async (persist) => {
		for (const db of config.d1_databases ?? []) {
			await wrangler(["d1", "migrations", "apply", db.database_name, "--local", "--persist-to", persist], at.logFile);
		}
	};
	const moved = {};
	const secrets = {};
	for (const name of config.secrets?.required ?? []) {
		if (!(name in SECRET_VALUES))
			throw new Error(`wrangler.jsonc requires secret ${name}: give it a bench value in bench/lib/systems.mjs`);
		secrets[name] = SECRET_VALUES[name];
	}
	for (const [key, value] of Object.entries({ ...(config.vars ?? {}), ...secrets })) {
		if (typeof value !== "string") continue;
		const rewritten = value.replace(DEV_SANDBOX, sandboxUrl).replace(DEV_ORCHESTRATOR, at.url);
		if (rewritten !== value) moved[key] = rewritten;
	}
	return start(at, {
		config: benchConfig(at, config),
		settings: { ...secrets, ...moved, ...benchSettings.orchestratorVars },
		readyPath: "/openapi.json",
		prepare: applyMigrations,
	});
}

/** A baseline Worker of bench/: the naive floor or the Workflows version. */
export function startBaseline(at, sandboxUrl) {
	const urls = {
		PAYMENTS_URL: `${sandboxUrl}/payments`,
		INVENTORY_URL: `${sandboxUrl}/inventory`,
		SHIPPING_URL: `${sandboxUrl}/shipping`,
		EMAIL_URL: `${sandboxUrl}/email`,
		PUBLIC_BASE_URL: at.url,
		CALLBACK_SECRET,
	};
	return start(at, { config: `bench/${at.name}/wrangler.jsonc`, settings: urls, readyPath: "/" });
}
