import { setTimeout as sleep } from "node:timers/promises";
import { pacer } from "./pacer.mjs";
import { settings } from "./settings.mjs";
import { countBy, round, summarize } from "./stats.mjs";

/**
 * One order from `POST /orders` to a final status. Latency ends at the system's own finish time when
 * it reports one, else when the client sees the end. Returns the final status body and the number
 * of status reads it took (each one is a billed request to the order's object).
 */
export async function complete(client, order, pace = pacer(settings.pollMs), { usage = true } = {}) {
	const startedAt = Date.now();
	const placed = await client.place(order, { hold: true });
	let body = placed.body;
	let polls = 0;
	let delay = pace.first();
	while (!placed.done && !client.finished(body)) {
		if (Date.now() - startedAt > settings.orderTimeoutMs) return { order, status: "stuck", latencyMs: null, polls };
		await sleep(delay);
		body = await client.status(order.orderId, { hold: true });
		polls++;
		delay = pace.next(Date.now() - startedAt);
	}
	const finishedAt = client.finishedAt(body) ?? Date.now();
	pace.record(finishedAt - startedAt);
	// One more read a moment later, off the client's loop, while the order's object is surely still in memory.
	const settled = client.settleMs === undefined || !usage ? null : settle(client, order.orderId);
	return { order, status: body.status, body, polls, settled, startedAt, finishedAt, latencyMs: finishedAt - startedAt };
}

/** Never rejects: it is awaited only when the point ends, and a lost read just leaves that order out of the usage. */
async function settle(client, orderId) {
	await sleep(client.settleMs);
	return client.status(orderId).catch(() => null);
}

/**
 * A closed loop: `concurrency` clients, each placing its next order as soon as its last one finished,
 * until `count` orders are done. Throughput is finished orders over the wall time from the first
 * placement to the last finish.
 */
export async function runPoint(client, { concurrency, count, orderFor, usageEvery = 1 }) {
	let next = 0;
	const results = [];
	const pace = pacer(settings.pollMs);
	const worker = async () => {
		while (next < count) {
			const i = next++;
			results.push(await complete(client, orderFor(i), pace, { usage: i % usageEvery === 0 }));
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	for (const result of results) result.settled = await result.settled;
	const done = results.filter((r) => r.latencyMs !== null);
	const first = Math.min(...results.map((r) => r.startedAt ?? Infinity));
	const last = Math.max(...done.map((r) => r.finishedAt));
	const wallMs = last - first;
	return {
		concurrency,
		orders: count,
		statuses: countBy(results, (r) => r.status),
		wallSeconds: round(wallMs / 1000, 2),
		ordersPerSecond: round((done.length * 1000) / wallMs, 1),
		latencyMs: summarize(done.map((r) => r.latencyMs)),
		results,
	};
}
