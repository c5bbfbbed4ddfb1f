import { setTimeout as sleep } from "node:timers/promises";
import { measureCpu } from "./cpu.mjs";
import { makeOrder, orderIds } from "./orders.mjs";
import { settings } from "./settings.mjs";
import { round } from "./stats.mjs";

/** Clients of both phases: enough to keep both cores busy, few enough that no read waits long in line. */
const CONCURRENCY = 16;

/** The orchestrator's share of a CPU measurement (its runtime and its dev proxy) and the whole bench's. */
function shares(cpu) {
	if (!cpu) return null;
	const own = cpu.msPerOrder.orchestrator ?? {};
	return { runtime: own.runtime ?? 0, devProxy: own.devProxy ?? 0, total: cpu.msPerOrder.total };
}

async function pool(count, work) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
			while (next < count) await work(next++);
		}),
	);
}

/**
 * What an order costs without the bench's polling, and what one status read costs, apart. First
 * `settings.quietOrders` orders, each placed and then read once when it should be done (after the
 * point's p99 latency so far, again only if it was not), so the reads are about one per order; the
 * phase ends once the last order's alarm has moved to its erasure. Then `settings.statusReads` reads of those finished
 * orders alone. CPU is measured per phase.
 */
export async function orderCost(client, expectedLatencyMs) {
	const ids = orderIds(client.name, "quiet");
	let reads = 0;
	const { cpu: orderCpu } = await measureCpu(settings.quietOrders, async () => {
		await pool(settings.quietOrders, async (i) => {
			const order = makeOrder(ids(i));
			await client.place(order);
			let wait = expectedLatencyMs;
			for (;;) {
				await sleep(wait);
				reads++;
				if (client.finished(await client.status(order.orderId))) return;
				wait = Math.max(5, wait / 2);
			}
		});
		// The orders' last write (the alarm moved to the erasure, after the last hand-over) is theirs.
		await sleep(client.settleMs ?? 0);
	});
	const finished = Array.from({ length: settings.quietOrders }, (_, i) => ids(i));
	const { cpu: readCpu } = await measureCpu(settings.statusReads, () =>
		pool(settings.statusReads, (i) => client.status(finished[i % finished.length])),
	);
	const perRead = shares(readCpu);
	const withReads = shares(orderCpu);
	const readsPerOrder = round(reads / settings.quietOrders, 2);
	return {
		orders: settings.quietOrders,
		readsPerOrder,
		/** Measured: each order and its (about one) status read. */
		cpuMsPerOrderWithOneRead: withReads,
		cpuMsPerStatusRead: perRead,
		/** Derived: the same less the reads it made, at the measured cost of a read. */
		cpuMsPerOrderNoReads:
			withReads &&
			perRead &&
			Object.fromEntries(
				Object.entries(withReads).map(([key, ms]) => [key, round(ms - readsPerOrder * perRead[key], 2)]),
			),
		statusReads: settings.statusReads,
		orderIds: finished,
	};
}
