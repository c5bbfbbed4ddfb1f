import { inject } from "vitest";
import type { Order } from "../../src/order/order";
import { orderBody } from "../orders";
import { KEYS } from "./keys";
import { sleep } from "./wrangler";

/** The orchestrator and the sandbox the global setup started (empty when the browser tests are skipped). */
export const ORDERS = inject("orchestrator");
export const SANDBOX = inject("sandbox");

/** What these tests read of an order's status (the Node side does not load the Worker's types). */
interface OrderStatus {
	status: string;
	needsAttention: boolean;
}

export const newOrderId = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

async function call(url: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
	const { key, ...rest } = init;
	const headers = new Headers(rest.headers);
	if (key) headers.set("Authorization", `Bearer ${key}`);
	if (rest.body) headers.set("Content-Type", "application/json");
	return fetch(url, { ...rest, headers, signal: AbortSignal.timeout(15_000) });
}

/** Places an order through the API with a client key (the default tenant's unless told). */
export async function placeOrder(order: Order, key: string = KEYS.client): Promise<void> {
	const response = await call(`${ORDERS}/orders`, { method: "POST", body: JSON.stringify(order), key });
	if (response.status !== 202) throw new Error(`placing ${order.orderId}: ${response.status} ${await response.text()}`);
}

/** A fault in the sandbox, for the next `times` matching requests of one order. */
export async function injectFault(rule: Record<string, unknown>): Promise<void> {
	const response = await call(`${SANDBOX}/faults`, { method: "POST", body: JSON.stringify(rule) });
	if (response.status !== 201) throw new Error(`fault ${JSON.stringify(rule)}: ${response.status}`);
}

/** Polls the order's status (real time: no clock to move here) until `done` holds. */
export async function untilStatus(
	orderId: string,
	done: (status: OrderStatus) => boolean,
	{ tenant = "default", timeoutMs = 30_000 } = {},
): Promise<OrderStatus> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const response = await call(`${ORDERS}/orders/${orderId}?tenant=${tenant}`, { key: KEYS.operator });
		const status = response.status === 200 ? ((await response.json()) as OrderStatus) : null;
		if (status && done(status)) return status;
		if (Date.now() > until) throw new Error(`order ${orderId} not there in ${timeoutMs} ms: ${JSON.stringify(status)}`);
		await sleep(250);
	}
}

/** Places an order and waits until it waits for the warehouse. */
export async function placeWaiting(orderId: string, options: { key?: string; tenant?: string } = {}): Promise<void> {
	const { key = KEYS.client, tenant = "default" } = options;
	await placeOrder(orderBody(orderId), key);
	await untilStatus(orderId, (s) => s.status === "waiting", { tenant });
}

/** The warehouse picks the order's shipment, as the sandbox's warehouse app does: the order is committed. */
export async function pick(orderId: string): Promise<void> {
	const shipments = (await (await call(`${SANDBOX}/shipping/shipments?orderId=${orderId}`)).json()) as { id: string }[];
	const shipment = shipments[0];
	if (!shipment) throw new Error(`no shipment for ${orderId}`);
	const response = await call(`${SANDBOX}/shipping/shipments/${shipment.id}/pick`, { method: "POST" });
	const answer = (await response.json()) as { callbackStatus?: number };
	if (answer.callbackStatus !== 202) throw new Error(`pick ${orderId}: ${response.status} ${JSON.stringify(answer)}`);
}

/**
 * Places an order whose charge takes effect and then answers 502, on every attempt, while payments
 * cannot say what became of it either (its verify answers 500): it ends needing attention (its outcome
 * unknown), and a retry learns the charge and refunds it, ending compensated. `slowRefund` holds that
 * refund back a while, so a page can be seen following the order to its end.
 */
export async function placeNeedingAttention(orderId: string, { slowRefund = false } = {}): Promise<void> {
	await injectFault({ service: "payments", operation: "charge", orderId, fault: "error_after", status: 502, times: 5 });
	await injectFault({ service: "payments", operation: "verify", orderId, fault: "error", status: 500, times: 100 });
	if (slowRefund)
		await injectFault({ service: "payments", operation: "refund", orderId, fault: "latency", latencyMs: 3000 });
	await placeOrder(orderBody(orderId));
}
