import { setTimeout as sleep } from "node:timers/promises";
import { answerLostPath, answerLostSummary } from "./answer-lost.mjs";
import { pollWhileBusy } from "./busy-poll.mjs";
import { orchestratorClient } from "./clients.mjs";
import { fillTo } from "./growth.mjs";
import { journalBytes } from "./journal-size.mjs";
import { mergeLedger, verifyLedger } from "./ledger.mjs";
import { runPoint } from "./load.mjs";
import { orderCost } from "./order-cost.mjs";
import { makeOrder, orderIds } from "./orders.mjs";
import { outagePoint } from "./outage.mjs";
import { phases } from "./phases.mjs";
import { describe, happyPoint, ledgerEntries, publicPoint, throughputPoints } from "./points.mjs";
import { profiled } from "./profile.mjs";
import { settings } from "./settings.mjs";
import { round } from "./stats.mjs";
import { localStorage } from "./storage.mjs";
import { address, startOrchestrator, startSandbox } from "./systems.mjs";
import { usageOf } from "./usage.mjs";

/** Long enough for the order-index queue's last batch (max_batch_timeout 2 s) to be consumed. */
const QUIET_MS = 3000;

/** Out-of-stock and declined orders: the failure paths whose cost units the report shows. */
async function failurePaths(client) {
	const run = async (label, options) => {
		const ids = orderIds(client.name, label);
		const concurrency = 8;
		return runPoint(client, {
			concurrency,
			count: settings.failureOrders,
			orderFor: (i) => makeOrder(ids(i), options),
		});
	};
	return {
		outOfStock: await run("oos", { sku: "OOS-BOOK-1" }),
		declined: await run("declined", { paymentMethod: "pm_card_declined" }),
	};
}

/**
 * The last concurrency again, under a CPU profile of the orchestrator's runtime (see profile.mjs):
 * each cause's share of the samples, in ms as that share of the runtime CPU per order the unprofiled
 * point measured. The profiler itself costs CPU, so the profiled point's own figure is higher.
 */
async function profilePoint(orchestrator, client, last) {
	const count = settings.profileOrders;
	const { result: point, profile } = await profiled(orchestrator, count, () =>
		happyPoint(client, "profiled", last.concurrency, count),
	);
	const runtimeMs = last.cpu?.msPerOrder.orchestrator?.runtime ?? null;
	const ms = (percent) => (runtimeMs === null ? null : round((percent / 100) * runtimeMs, 2));
	return {
		...profile,
		concurrency: last.concurrency,
		runtimeCpuMsPerOrder: runtimeMs,
		runtimeCpuMsPerOrderWhileProfiled: point.cpu?.msPerOrder.orchestrator?.runtime ?? null,
		byCause: Object.fromEntries(
			Object.entries(profile.byCause).map(([cause, percent]) => [cause, { percent, ms: ms(percent) }]),
		),
		point,
	};
}

/** Storage and cost units when `existing` orders exist, from the point just measured there. */
async function growthPoint(orchestrator, point, existing) {
	const ids = point.results.map((r) => r.order.orderId);
	return {
		ordersExisting: existing,
		ordersPerSecond: point.ordersPerSecond,
		latencyMs: point.latencyMs,
		cpuMsPerOrder: point.cpu?.msPerOrder.total ?? null,
		usage: usageOf(point.results),
		journalBytesPerOrder: await journalBytes(orchestrator.url, ids),
		...localStorage(orchestrator.persist),
	};
}

/**
 * The orchestrator: throughput and latency at each concurrency, cost units on the happy path and two
 * failure paths, status reads while a step waits on a slow downstream, and the same again once
 * `settings.growthTo` orders exist.
 */
export async function benchOrchestrator(dir, log) {
	const sandboxAt = await address(dir, "sandbox-for-orchestrator", "sandbox");
	const orchestratorAt = await address(dir, "orchestrator");
	let [sandbox, orchestrator] = await Promise.all([
		startSandbox(sandboxAt, orchestratorAt.url),
		startOrchestrator(orchestratorAt, sandboxAt.url),
	]);
	const client = orchestratorClient(orchestrator.url);
	const ledger = [];
	const check = async (entries) => ledger.push(await verifyLedger(sandbox.url, entries));
	try {
		const points = await throughputPoints(client, log);
		for (const point of points) point.phasesMs = await phases(orchestrator.url, point.results);
		const last = points.at(-1);
		const profile = settings.profileOrders > 0 ? await profilePoint(orchestrator, client, last) : null;
		if (profile) log(`  orchestrator: profiled ${JSON.stringify(profile.byCause)}`);
		const cost = settings.quietOrders > 0 ? await orderCost(client, last.latencyMs.p99) : null;
		if (cost) log(`  orchestrator: CPU per order, no polling ${JSON.stringify({ ...cost, orderIds: undefined })}`);
		const existing = () =>
			settings.warmup +
			points.length * settings.orders +
			3 * settings.failureOrders +
			settings.profileOrders +
			settings.quietOrders +
			settings.busyOrders +
			settings.outageOrders;
		const failures = await failurePaths(client);
		log(
			`  orchestrator: failure paths ${JSON.stringify(failures.outOfStock.statuses)} ${JSON.stringify(failures.declined.statuses)}`,
		);
		const answerLost = await answerLostPath(client, sandbox.url);
		log(`  orchestrator: charge applied, answer lost ${JSON.stringify(answerLost.statuses)}`);

		// The failure paths' index updates are still queued (batches wait up to 2 s): let them drain first.
		await sleep(QUIET_MS);
		const busy = await pollWhileBusy(client, sandbox.url, settings.busyOrders);
		log(
			`  orchestrator: status reads while the charge takes 2 s: p50 ${busy.readsMs.p50} ms, p99 ${busy.readsMs.p99} ms`,
		);

		const outage = settings.outageOrders > 0 ? await outagePoint(client, sandbox.url, log) : null;
		if (outage) log(`  orchestrator: outage ${JSON.stringify(outage)}`);

		await check([
			...points.flatMap((p) => ledgerEntries(p)),
			...(outage ? outage.orderIds.map((orderId) => ({ orderId, path: "happy" })) : []),
			...(profile ? ledgerEntries(profile.point) : []),
			...(cost ? cost.orderIds.map((orderId) => ({ orderId, path: "happy" })) : []),
			...ledgerEntries(failures.outOfStock, "outOfStock"),
			...ledgerEntries(failures.declined, "declined"),
			...ledgerEntries(answerLost),
			...busy.orderIds.map((orderId) => ({ orderId, path: "happy" })),
		]);

		const existingAtLast = settings.warmup + (points.length - 1) * settings.orders;
		const growth = [await growthPoint(orchestrator, last, existingAtLast)];
		if (settings.growthTo > existing()) {
			const renewSandbox = async (batch) => {
				await check(ledgerEntries(batch));
				await sandbox.stop();
				sandbox = await startSandbox(sandboxAt, orchestratorAt.url);
			};
			const count = await fillTo(client, existing(), settings.growthTo, renewSandbox, log);
			const point = await happyPoint(client, "grown", last.concurrency);
			log(`  orchestrator c=${last.concurrency} with ${count} orders: ${describe(point)}`);
			await check(ledgerEntries(point));
			growth.push(await growthPoint(orchestrator, point, count));
		}

		return {
			points: points.map((point) => ({ ...publicPoint(point), usage: usageOf(point.results) })),
			usage: {
				happy: usageOf(points.flatMap((point) => point.results)),
				outOfStock: usageOf(failures.outOfStock.results),
				declined: usageOf(failures.declined.results),
			},
			failurePaths: { outOfStock: publicPoint(failures.outOfStock), declined: publicPoint(failures.declined) },
			answerLost: answerLostSummary(answerLost, growth[0].objectBytesPerOrder),
			profile: profile && { ...profile, point: undefined },
			orderCost: cost && { ...cost, orderIds: undefined },
			pollWhileBusy: { ...busy, orderIds: undefined },
			outage: outage && { ...outage, orderIds: undefined },
			growth,
			ledger: mergeLedger(ledger),
		};
	} finally {
		await Promise.all([sandbox.stop(), orchestrator.stop()]);
	}
}
