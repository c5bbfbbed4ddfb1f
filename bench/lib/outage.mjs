import { setTimeout as sleep } from "node:timers/promises";
import { requestJson } from "./http.mjs";
import { makeOrder, orderIds } from "./orders.mjs";
import { settings } from "./settings.mjs";
import { round } from "./stats.mjs";

const FINAL = new Set(["completed", "compensated", "cancelled", "needs_attention", "resolved"]);
/** The release rate the orchestrator runs with (DOWNSTREAM_RELEASE_PER_SECOND's default). */
export const RELEASE_PER_SECOND = 20;

/**
 * The outage point: `settings.outageOrders` orders placed while inventory answers 503 to every
 * reservation for `settings.outageSeconds`; then it recovers. Counts, from the sandbox's ledger, the
 * reservation calls that failed during the outage and the busiest second after it, and how long the
 * held orders took to drain.
 */
export async function outagePoint(client, sandboxUrl, log) {
	const ids = orderIds(client.name, "outage");
	const count = settings.outageOrders;
	const fault = { service: "inventory", operation: "reserve", fault: "error", status: 503, times: 1_000_000 };
	const injected = await requestJson("POST", `${sandboxUrl}/faults`, { body: fault });
	if (injected.status !== 201) throw new Error(`sandbox refused the outage: ${JSON.stringify(injected.body)}`);
	const downAt = Date.now();
	const orders = Array.from({ length: count }, (_, i) => makeOrder(ids(i)));
	// Placed over the outage's first half, eight at a time, as a shop's traffic would keep coming.
	const spacingMs = (settings.outageSeconds * 500) / count;
	for (let i = 0; i < count; i += 8) {
		await Promise.all(orders.slice(i, i + 8).map((order) => client.place(order)));
		await sleep(spacingMs * 8);
	}
	await sleep(Math.max(0, downAt + settings.outageSeconds * 1000 - Date.now()));
	await requestJson("DELETE", `${sandboxUrl}/faults`);
	const upAt = Date.now();
	log(`  orchestrator: inventory back after ${round((upAt - downAt) / 1000, 1)} s; draining`);

	const statuses = new Map();
	let drainedAt = null;
	while (Date.now() - upAt < 300_000) {
		for (const order of orders) {
			if (FINAL.has(statuses.get(order.orderId))) continue;
			statuses.set(order.orderId, (await client.status(order.orderId)).status);
		}
		if ([...statuses.values()].every((status) => FINAL.has(status))) {
			drainedAt = Date.now();
			break;
		}
		await sleep(250);
	}

	const calls = [];
	for (const order of orders) {
		const { body } = await requestJson("GET", `${sandboxUrl}/ledger?orderId=${encodeURIComponent(order.orderId)}`);
		calls.push(...body.requests.filter((r) => r.operation === "reserve"));
	}
	const perSecond = new Map();
	for (const call of calls.filter((c) => c.at >= upAt)) {
		const second = Math.floor((call.at - upAt) / 1000);
		perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
	}
	const byStatus = {};
	for (const status of statuses.values()) byStatus[status] = (byStatus[status] ?? 0) + 1;
	return {
		orders: count,
		outageSeconds: settings.outageSeconds,
		statuses: byStatus,
		completed: byStatus.completed ?? 0,
		compensated: byStatus.compensated ?? 0,
		failedCallsDuringOutage: calls.filter((c) => c.at < upAt && c.status >= 500).length,
		callsDuringOutage: calls.filter((c) => c.at < upAt).length,
		drainSeconds: drainedAt === null ? null : round((drainedAt - upAt) / 1000, 1),
		maxCallsPerSecondAfterRecovery: Math.max(0, ...perSecond.values()),
		releasePerSecond: RELEASE_PER_SECOND,
		orderIds: orders.map((order) => order.orderId),
	};
}
