import { setTimeout as sleep } from "node:timers/promises";
import { makeOrder, orderIds } from "./orders.mjs";
import { summarize } from "./stats.mjs";

const CHARGE_LATENCY_MS = 2000;
/** Reads this soon after placing are certainly while the charge (the first step) is held. */
const BUSY_WINDOW_MS = CHARGE_LATENCY_MS - 100;

async function injectSlowCharge(sandboxUrl, orderId) {
	const fault = { service: "payments", operation: "charge", orderId, fault: "latency", latencyMs: CHARGE_LATENCY_MS };
	const response = await fetch(`${sandboxUrl}/faults`, { method: "POST", body: JSON.stringify(fault) });
	if (response.status !== 201) throw new Error(`POST /faults answered ${response.status}`);
}

/** Places one order whose charge the sandbox holds for 2 s, and reads its status every 5 ms meanwhile. */
async function pollOne(client, sandboxUrl, order, samples) {
	await injectSlowCharge(sandboxUrl, order.orderId);
	const placedAt = performance.now();
	await client.place(order);
	for (;;) {
		const sentAt = performance.now();
		const body = await client.status(order.orderId);
		const took = performance.now() - sentAt;
		if (client.finished(body)) return body.status;
		const busy = sentAt - placedAt < BUSY_WINDOW_MS;
		if (busy) samples.push(took);
		await sleep(busy ? 5 : 50);
	}
}

/**
 * How fast an order's status answers while the order's current step waits on a slow downstream.
 * One order at a time, so that the reads measure the order's object rather than each other; each
 * order then runs to its end, so nothing is left in flight.
 */
export async function pollWhileBusy(client, sandboxUrl, count) {
	const ids = orderIds(client.name, "busy");
	const samples = [];
	const orders = [];
	for (let i = 0; i < count; i++) {
		const order = makeOrder(ids(i));
		orders.push({ orderId: order.orderId, status: await pollOne(client, sandboxUrl, order, samples) });
	}
	return {
		orders: orders.length,
		statuses: orders.map((o) => o.status),
		readsMs: summarize(samples),
		orderIds: orders.map((o) => o.orderId),
	};
}
