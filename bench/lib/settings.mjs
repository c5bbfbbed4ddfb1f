/**
 * What a run does, from environment variables, so a quick run is one line
 * (`BENCH_ORDERS=50 BENCH_GROWTH_TO=1000 npm run bench`). The defaults are the method.
 */
const int = (name, fallback) => {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${raw}`);
	return value;
};
const list = (name, fallback) => (process.env[name] ? process.env[name].split(",").map((s) => s.trim()) : fallback);

const SYSTEMS = ["orchestrator", "naive", "workflows"];

export const settings = {
	/** Orders per throughput point; at least 500 by default. */
	orders: int("BENCH_ORDERS", 500),
	concurrencies: list("BENCH_CONCURRENCY", ["1", "16", "64"]).map(Number),
	/** Unmeasured orders before each system's first point: JIT, first objects, connection pools. */
	warmup: int("BENCH_WARMUP", 32),
	systems: list("BENCH_SYSTEMS", SYSTEMS),
	/** Orders per failure path (out of stock, declined card) for the cost units. */
	failureOrders: int("BENCH_FAILURE_ORDERS", 50),
	/** Orders whose status is polled while their charge takes 2 s. */
	busyOrders: int("BENCH_BUSY_ORDERS", 5),
	/** The outage point: orders placed while inventory is down, and how long it is down (0 orders: skipped). */
	outageOrders: int("BENCH_OUTAGE_ORDERS", 200),
	outageSeconds: int("BENCH_OUTAGE_SECONDS", 60),
	/** Orders of the profiled point (the last concurrency, under a CPU profile of the runtime; 0: skipped). */
	profileOrders: int("BENCH_PROFILE_ORDERS", 200),
	/** Orders placed and read once each, and status reads alone, for CPU per order and per read (0: skipped). */
	quietOrders: int("BENCH_QUIET_ORDERS", 200),
	statusReads: int("BENCH_STATUS_READS", 2000),
	/** Extra vars for the orchestrator, `KEY=value,KEY=value`: a paired run switches one setting (LOG_LEVEL=debug). */
	orchestratorVars: Object.fromEntries(
		list("BENCH_VARS", []).map((pair) => {
			const at = pair.indexOf("=");
			if (at < 1) throw new Error(`BENCH_VARS: expected KEY=value, got ${pair}`);
			return [pair.slice(0, at), pair.slice(at + 1)];
		}),
	),
	/** The growth point: throughput and storage again once this many orders exist. */
	growthTo: int("BENCH_GROWTH_TO", 10_000),
	/** How long after an order's finish its usage is read (older code woke its alarm 12 s after: 13000). */
	settleMs: int("BENCH_SETTLE_MS", 1000),
	/** Every how many orders of a throughput point the usage is read (that read is the bench's, not the order's). */
	usageEvery: Math.max(1, int("BENCH_USAGE_EVERY", 8)),
	/** The orchestrator's clients send `Prefer: wait` for this many seconds rather than poll (0: they poll). */
	preferWaitSeconds: int("BENCH_PREFER_WAIT", 20),
	/** The shortest wait between two status reads of one order, in ms (see lib/pacer.mjs). */
	pollMs: int("BENCH_POLL_MS", 5),
	/** An order not finished by then counts as stuck, and the run goes on. */
	orderTimeoutMs: int("BENCH_ORDER_TIMEOUT_MS", 60_000),
	keepTemp: process.env.BENCH_KEEP === "1",
};

for (const name of settings.systems) {
	if (!SYSTEMS.includes(name))
		throw new Error(`BENCH_SYSTEMS: unknown system ${name}; choose from ${SYSTEMS.join(", ")}`);
}
if (settings.concurrencies.some((c) => !Number.isInteger(c) || c < 1))
	throw new Error("BENCH_CONCURRENCY: whole numbers from 1");
