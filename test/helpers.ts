import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { platform } from "../src/ops/platform";
import { type CallbackSecret, callbackSecrets } from "../src/order/callback-token";
import type { Order } from "../src/order/order";
import type { OrderObject } from "../src/order/order-object";
import type { OrderHistory, OrderStatus } from "../src/order/status";
import { advanceClockTo } from "./clock";
import { holdToContract } from "./contract";
import { newIncarnation } from "./incarnations";
import { orderBody, outOfStockOrder } from "./orders";

export const API_KEY = "test-client-key-0001";
/** A client key of another tenant, "acme". */
export const ACME_KEY = "test-acme-key-00001";
const ORDERS = "https://orders.test";
const SANDBOX = "https://sandbox.test";

export const newOrderId = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

export { orderBody, outOfStockOrder };

interface ApiInit {
	method?: string;
	body?: unknown;
	/** null: no Authorization header. */
	key?: string | null;
	headers?: Record<string, string>;
}

/** A request to the real Worker, in-process; its answer is held to the OpenAPI document the Worker serves. */
export async function api(
	path: string,
	{ method = "GET", body, key = API_KEY, headers = {} }: ApiInit = {},
): Promise<Response> {
	const all: Record<string, string> = { ...headers };
	if (key !== null) all.Authorization = `Bearer ${key}`;
	if (body !== undefined) all["Content-Type"] ??= "application/json";
	const payload = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
	const response = await exports.default.fetch(`${ORDERS}${path}`, { method, headers: all, body: payload });
	return holdToContract(method, `${ORDERS}${path}`, response);
}

export async function placeOrder(order: Order): Promise<Response> {
	return api("/orders", { method: "POST", body: order });
}

export async function getStatus(orderId: string): Promise<OrderStatus> {
	const response = await api(`/orders/${orderId}`);
	expect(response.status, await response.clone().text()).toBe(200);
	return response.json();
}

/** The order's history as a client key reads it, or as `key` does (an operator reads operators' notes and names). */
export async function getHistory(orderId: string, key = API_KEY): Promise<OrderHistory["events"]> {
	const response = await api(`/orders/${orderId}/history`, { key });
	expect(response.status).toBe(200);
	return ((await response.json()) as OrderHistory).events;
}

export const orderStub = (orderId: string) => env.ORDERS.get(env.ORDERS.idFromName(orderId));

/** Settled for now: nothing runs until a timer or an event. */
export const isQuiescent = (status: OrderStatus) => status.status !== "running" && status.status !== "compensating";

/**
 * Drives an order until `until` holds: lets a run under way finish, and when the order is blocked on
 * a timer, moves the order's clock to the alarm's scheduled time and fires it there, instead of
 * waiting for it. A held step's breaker is on the same clock: whichever alarm is due first, the
 * order's or its breaker's, fires first. Fails with the order's history if it never gets there.
 */
export async function settle(
	orderId: string,
	until: (status: OrderStatus) => boolean = isQuiescent,
	maxRounds = 200,
): Promise<OrderStatus> {
	for (let round = 0; round < maxRounds; round++) {
		if (await isBusy(orderId)) {
			await scheduler.wait(5);
			continue;
		}
		const status = await getStatus(orderId);
		if (until(status)) return status;
		const held = status.steps.flatMap((step) => (step.status === "held" && step.heldBy ? [step.heldBy] : []));
		if (await fireBreakerFirst(orderId, held)) continue;
		const fired = await fireAlarm(orderId).catch((error: unknown) => {
			// A crash injected by the test surfaces in the alarm that hit it; the next round recovers from it.
			if (String(error).includes(CRASH)) return true;
			throw error;
		});
		if (!fired) await scheduler.wait(5);
	}
	const status = await getStatus(orderId);
	throw new Error(
		`order ${orderId} never settled: ${JSON.stringify({ status, history: await getHistory(orderId) }, null, 1)}`,
	);
}

/**
 * Runs `fn` inside the order's live object. A crash injected in the background (during a hand-over,
 * say) breaks the stub the next call uses; that call is made again, on the fresh instance.
 */
export async function inObject<T>(
	orderId: string,
	fn: (instance: OrderObject, state: DurableObjectState) => T | Promise<T>,
): Promise<T> {
	for (let tries = 0; ; tries++) {
		try {
			return await runInDurableObject(orderStub(orderId), fn);
		} catch (error) {
			if (!String(error).includes(CRASH) || tries >= 3) throw error;
		}
	}
}

const isBusy = (orderId: string) => inObject(orderId, (instance) => instance.engine.busy);

/** The order's alarm: when it is set for, or null. */
export const alarmOf = (orderId: string) => inObject(orderId, (_, state) => state.storage.getAlarm());

/**
 * The order's alarm once it is the one the engine needs: an alarm set earlier is kept rather than
 * moved (a write costs more than a wake), so it is fired first, as the platform would, and re-arms.
 */
export async function dueAlarm(orderId: string): Promise<number | null> {
	for (let early = 0; early < 5; early++) {
		const [at, due] = await inObject(orderId, async (instance, state) => [
			await state.storage.getAlarm(),
			instance.engine.dueAt(),
		]);
		if (at === null || at === due || (due !== null && at > due)) return at;
		await fireOnce(orderId);
	}
	throw new Error(`order ${orderId} keeps waking early`);
}

/** Whether the notification of the order's first `type` entry (a reminder, say) has been handed over. */
export async function handedOver(orderId: string, type: OrderHistory["events"][number]["type"]): Promise<boolean> {
	const history = await getHistory(orderId);
	const entry = history.find((e) => e.type === type);
	const id = `${orderId}:${entry?.seq}`;
	return history.some((e) => e.type === "notifications_sent" && e.ids.includes(id));
}

/** Fires the order's alarm at its scheduled time: the order's clock moves there first (never back). False: no alarm. */
async function fireOnce(orderId: string): Promise<boolean> {
	const at = await alarmOf(orderId);
	if (at === null) return false;
	advanceClockTo(orderId, at);
	return runDurableObjectAlarm(orderStub(orderId));
}

/**
 * Fires the order's alarms, each at its scheduled time, until one the engine needed has fired: an
 * earlier alarm it kept (see `dueAlarm`) fires first, as the platform would, and re-arms. False: no alarm.
 */
export async function fireAlarm(orderId: string): Promise<boolean> {
	await dueAlarm(orderId);
	return fireOnce(orderId);
}

/** The breaker object guarding `downstream` for the order (breakers.ts scopes them per order, or per shared prefix). */
export function breakerStub(downstream: string, orderId: string) {
	const name = platform.breaker(downstream, orderId);
	return env.BREAKERS.get(env.BREAKERS.idFromName(name));
}

/**
 * Fires the alarm of one of the held order's breakers at its scheduled time, if it comes before the
 * order's own (a probe, a release wave). True: one fired.
 */
async function fireBreakerFirst(orderId: string, downstreams: string[]): Promise<boolean> {
	if (downstreams.length === 0) return false;
	const order = await alarmOf(orderId);
	const alarms = await Promise.all(
		downstreams.map(async (downstream) => {
			const stub = breakerStub(downstream, orderId);
			return { stub, at: await runInDurableObject(stub, (_, state) => state.storage.getAlarm()) };
		}),
	);
	const first = alarms
		.filter((a): a is { stub: (typeof alarms)[number]["stub"]; at: number } => a.at !== null)
		.sort((a, b) => a.at - b.at)[0];
	if (!first || (order !== null && order < first.at)) return false;
	advanceClockTo(orderId, first.at);
	await runDurableObjectAlarm(first.stub);
	return true;
}

const CRASH = "injected crash";

/** Swallows the crash a test injected (it surfaces in whatever call hit it); anything else is thrown again. */
export function rethrowUnlessCrash(error: unknown): void {
	if (!String(error).includes(CRASH)) throw error;
}

/** Resets the order's object as a crash would: memory gone, committed storage and alarm kept. */
export async function crash(orderId: string): Promise<void> {
	await runInDurableObject(orderStub(orderId), (_, state) => {
		state.abort(CRASH);
	}).catch(() => undefined);
	newIncarnation(orderId);
}

/** Arms a crash inside the order's object at the first checkpoint `when` accepts. */
export async function crashAt(
	orderId: string,
	when: Parameters<NonNullable<OrderObject["engine"]["onCheckpoint"]>>[0] extends infer P
		? (point: P) => boolean
		: never,
) {
	await inObject(orderId, (instance, state) => {
		instance.engine.onCheckpoint = (point) => {
			if (when(point)) state.abort(CRASH);
		};
	});
}

/** What an order's object has stored: its tables, its key-value entries and its alarm. Empty for an object never written. */
export async function storedState(
	orderId: string,
): Promise<{ tables: string[]; entries: number; alarm: number | null }> {
	return inObject(orderId, async (_, state) => ({
		tables: state.storage.sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
			)
			.toArray()
			.map((row) => row.name),
		entries: [...state.storage.kv.list()].length,
		alarm: await state.storage.getAlarm(),
	}));
}

/** The journal's rows as stored (in the key-value storage; in a table for journals of earlier releases), as text. */
export const journalRowsOf = (orderId: string) =>
	inObject(orderId, (_, state) => {
		const legacy = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'");
		if (legacy.toArray().length > 0)
			return state.storage.sql
				.exec<{ events: string }>("SELECT events FROM journal ORDER BY seq")
				.toArray()
				.map((row) => row.events);
		return [...state.storage.kv.list<{ events: string }>({ prefix: "journal:" })].map(([, row]) => row.events);
	});

/** Every value the order's object has stored, in every table and key-value entry: where personal data could hide. */
export const storedText = (orderId: string) =>
	inObject(orderId, (_, state) =>
		[
			...state.storage.sql
				.exec<{ name: string }>(
					"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
				)
				.toArray()
				.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())),
			JSON.stringify([...state.storage.kv.list()]),
		].join("\n"),
	);

export interface Effect {
	id: string;
	orderId: string;
	targetId: string | null;
	idempotencyKey: string;
	data: Record<string, unknown>;
}

export interface Ledger {
	charges: Effect[];
	refunds: Effect[];
	reservations: Effect[];
	releases: Effect[];
	shipments: Effect[];
	shipmentCancellations: Effect[];
	emails: Effect[];
	alerts: Effect[];
	requests: {
		operation: string;
		orderId: string | null;
		idempotencyKey: string;
		status: number;
		/** The `code` of the answer's body, if it had one. */
		code: string | null;
		fault: string | null;
		/** The W3C trace context the request carried. */
		traceparent: string | null;
	}[];
}

export async function ledger(orderId: string): Promise<Ledger> {
	return (await fetch(`${SANDBOX}/ledger?orderId=${encodeURIComponent(orderId)}`)).json();
}

/** Counts each kind of effect, for one-line assertions. */
export async function effectCounts(orderId: string) {
	const { requests, ...effects } = await ledger(orderId);
	return Object.fromEntries(Object.entries(effects).map(([kind, list]) => [kind, list.length]));
}

export const requestsFor = (l: Ledger, operation: string) => l.requests.filter((r) => r.operation === operation);

export async function injectFault(rule: Record<string, unknown>): Promise<void> {
	const response = await fetch(`${SANDBOX}/faults`, { method: "POST", body: JSON.stringify(rule) });
	expect(response.status, await response.clone().text()).toBe(201);
}

/** What the Worker signs callback tokens with: its first configured secret, with its key id. */
export async function testSigner(): Promise<CallbackSecret> {
	const [signer] = await callbackSecrets([env.CALLBACK_SECRET]);
	if (!signer) throw new Error("no CALLBACK_SECRET in the test bindings");
	return signer;
}

/**
 * The callback token the sandbox warehouse received with the order's shipment, for the pick (or, with
 * `cannot-pick`, for that answer: workflow version 2 on); null while none is booked, or none was given.
 */
export async function shipmentToken(orderId: string, answer: "pick" | "cannot-pick" = "pick"): Promise<string | null> {
	const shipments: { callbackToken?: string; cannotPick?: { callbackToken: string } }[] = await (
		await fetch(`${SANDBOX}/shipping/shipments?orderId=${encodeURIComponent(orderId)}`)
	).json();
	const [shipment] = shipments;
	return (answer === "pick" ? shipment?.callbackToken : shipment?.cannotPick?.callbackToken) ?? null;
}

/** The callback token the sandbox warehouse received with the order's shipment. */
export async function pickToken(orderId: string): Promise<string> {
	const token = await shipmentToken(orderId);
	if (!token) throw new Error(`no shipment for ${orderId}`);
	return token;
}

/** When the tests' warehouse picks: one time, so that a pick sent again is the same request (a redelivery). */
export const PICKED_AT = "2026-12-01T09:30:00.000Z";

/** The warehouse's callback, as the sandbox warehouse app sends it; `pickedAt` other than {@link PICKED_AT} is another pick. */
export function confirmPick(orderId: string, token: string, pickedAt = PICKED_AT): Promise<Response> {
	return api(`/orders/${orderId}/events/warehouse-picked`, {
		method: "POST",
		key: null,
		body: { token, pickedBy: "worker-17", pickedAt },
	});
}

/** The warehouse's cannot-pick callback, with its own token (the shipment's `cannotPick` one). */
export function reportCannotPick(orderId: string, token: string, reason = "out_of_stock"): Promise<Response> {
	return api(`/orders/${orderId}/events/warehouse-cannot-pick`, {
		method: "POST",
		key: null,
		body: { token, reason, reportedBy: "worker-17", reportedAt: PICKED_AT },
	});
}

export const OPERATOR_KEY = "test-operator-key-01";

interface ActOptions {
	reason?: string;
	key?: string | null;
	idempotencyKey?: string;
	dryRun?: boolean;
}

/** An operator action (cancel, retry, resolve, pause, resume, terminate) on the real Worker; operator key unless told otherwise. */
export function act(
	orderId: string,
	action: "cancel" | "retry" | "resolve" | "pause" | "resume" | "terminate",
	options: ActOptions = {},
) {
	const { reason = `test ${action}`, key = OPERATOR_KEY, idempotencyKey, dryRun } = options;
	return api(`/orders/${orderId}/${action}${dryRun ? "?dryRun=true" : ""}`, {
		method: "POST",
		key,
		body: { reason },
		headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {},
	});
}

/**
 * Polls `read` until `done` holds, for what the queues deliver in the background (index rows, dead
 * letters, alerts). Bounded; fails with the last value seen.
 */
export async function eventually<T>(
	read: () => Promise<T>,
	done: (value: T) => boolean,
	timeoutMs = 10_000,
): Promise<T> {
	const until = Date.now() + timeoutMs;
	let value = await read();
	while (!done(value)) {
		if (Date.now() > until) throw new Error(`not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
		await scheduler.wait(20);
		value = await read();
	}
	return value;
}

/** Rows of a D1 table for one order, straight from the database the consumers write. */
export async function d1Rows(table: "orders" | "dead_letters" | "alerts", orderId: string) {
	const column = table === "orders" ? "id" : "order_id";
	const { results } = await env.DB.prepare(`SELECT * FROM ${table} WHERE ${column} = ?`).bind(orderId).all();
	return results;
}

/**
 * `service` cannot say what became of a key (its verify answers 503), `times` times: an order in doubt
 * learns only as it did before services could be asked, by retrying the call itself.
 */
export const cannotTell = (orderId: string, service: "payments" | "inventory" | "shipping" | "email", times = 100) =>
	injectFault({ service, operation: "verify", orderId, fault: "error", status: 503, times });

/**
 * Places an order whose charge takes effect, then answers 502 on all five attempts, while payments cannot
 * say what became of it either (every verify answers 500): it ends needing attention, its charge in doubt.
 */
export async function placeChargedThenUnanswered(orderId: string): Promise<void> {
	await injectFault({ service: "payments", operation: "charge", orderId, fault: "error_after", status: 502, times: 5 });
	await cannotTell(orderId, "payments");
	expect((await placeOrder(orderBody(orderId))).status).toBe(202);
}

/** An out-of-stock order whose refund failed its whole budget: it needs attention. Returns its id. */
export async function placeFailedRefund(label: string): Promise<string> {
	const orderId = newOrderId(label);
	await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 500, times: 5 });
	await placeOrder(outOfStockOrder(orderId));
	expect((await settle(orderId)).status).toBe("needs_attention");
	return orderId;
}

/** An order that had booked its shipment, everything undone: what a compensated or cancelled one leaves. */
export const EVERYTHING_UNDONE = {
	charges: 1,
	refunds: 1,
	reservations: 1,
	releases: 1,
	shipments: 1,
	shipmentCancellations: 1,
	emails: 0,
};

/** Places the order, waits until its charge is retrying, and cancels it as its customer would: its status once it rests. */
export async function cancelWhileCharging(orderId: string): Promise<OrderStatus> {
	await placeOrder(orderBody(orderId));
	await settle(orderId, (s) => s.steps[0]?.status === "retrying");
	expect((await act(orderId, "cancel", { key: API_KEY })).status).toBe(202);
	const status = await settle(orderId);
	expect(status).toMatchObject({ status: "cancelled", failure: { code: "cancelled" } });
	return status;
}

/** Places an order and drives it to the warehouse wait; returns the cannot-pick token (workflow version 2 on). */
export async function placeUntilCannotPick(order: Order): Promise<string> {
	await placeUntilPick(order);
	const token = await shipmentToken(order.orderId, "cannot-pick");
	if (!token) throw new Error(`${order.orderId}'s shipment was booked without a cannot-pick callback`);
	return token;
}

/** Places an order and drives it to the warehouse wait; returns the pick token. */
export async function placeUntilPick(order: Order): Promise<string> {
	expect((await placeOrder(order)).status).toBe(202);
	expect((await settle(order.orderId)).status).toBe("waiting");
	return pickToken(order.orderId);
}
