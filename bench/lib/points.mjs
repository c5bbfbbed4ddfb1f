import { measureCpu } from "./cpu.mjs";
import { runPoint } from "./load.mjs";
import { makeOrder, orderIds } from "./orders.mjs";
import { settings } from "./settings.mjs";
import { mean, round } from "./stats.mjs";

/**
 * Happy-path orders at one concurrency; the per-order results stay with the point for later checks.
 * The usage read after an order's end is the bench's own work, inside the measured time: only every
 * `settings.usageEvery`th order's is read (a happy order's counts hardly vary).
 */
export async function happyPoint(client, label, concurrency, count = settings.orders) {
	const ids = orderIds(client.name, label);
	const { result: point, cpu } = await measureCpu(count, () =>
		runPoint(client, { concurrency, count, orderFor: (i) => makeOrder(ids(i)), usageEvery: settings.usageEvery }),
	);
	return { ...point, pollsPerOrder: round(mean(point.results.map((r) => r.polls ?? 0)), 2), cpu };
}

/** Warm-up (unmeasured), then each configured concurrency in turn, each over `settings.orders` orders. */
export async function throughputPoints(client, log) {
	if (settings.warmup > 0) await happyPoint(client, "warm", Math.min(8, settings.warmup), settings.warmup);
	const points = [];
	for (const concurrency of settings.concurrencies) {
		const point = await happyPoint(client, `c${concurrency}`, concurrency);
		log(`  ${client.name} c=${concurrency}: ${describe(point)}`);
		points.push(point);
	}
	return points;
}

export function describe(point) {
	const stuck = point.statuses.stuck ? `, ${point.statuses.stuck} stuck` : "";
	return `${point.ordersPerSecond} orders/s, p50 ${point.latencyMs.p50} ms, p99 ${point.latencyMs.p99} ms (${point.orders} orders${stuck})`;
}

/** A point as the report shows it: no per-order results. */
export const publicPoint = ({ results, ...point }) => point;

/** Every order a point placed, with the path it took, for the ledger check. */
export const ledgerEntries = (point, path = "happy") => point.results.map((r) => ({ orderId: r.order.orderId, path }));
