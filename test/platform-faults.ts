import { platform } from "../src/ops/platform";

/**
 * Faults in the platform around the orders, by order id: queue sends from an order's object that
 * throw, hang or are delivered twice, and D1 calls about an order that fail or hang. Each fault
 * applies to the next `times` calls, then is used up. Installed for every test file by test/setup.ts;
 * with no fault set, the real bindings are used untouched.
 */
export type QueueFault = "throw" | "hang" | "duplicate";
export type DatabaseFault = "throw" | "hang";

type Faults<K> = Map<string, { kind: K; left: number }[]>;
const queueFaults: Faults<QueueFault> = new Map();
const databaseFaults: Faults<DatabaseFault> = new Map();

/** Queues a fault for the order's queue sends; several apply one after the other. */
export function failQueue(orderId: string, kind: QueueFault, times = 1): void {
	queueFaults.set(orderId, [...(queueFaults.get(orderId) ?? []), { kind, left: times }]);
}

/** Queues a fault for the D1 calls about the order; several apply one after the other. */
export function failDatabase(orderId: string, kind: DatabaseFault, times = 1): void {
	databaseFaults.set(orderId, [...(databaseFaults.get(orderId) ?? []), { kind, left: times }]);
}

export function clearPlatformFaults(orderId: string): void {
	queueFaults.delete(orderId);
	databaseFaults.delete(orderId);
}

function take<K>(faults: Faults<K>, ids: readonly string[]): K | null {
	for (const id of ids) {
		const fault = faults.get(id)?.find((f) => f.left > 0);
		if (!fault) continue;
		fault.left--;
		return fault.kind;
	}
	return null;
}

const hang = () => new Promise<never>(() => {});
const unavailable = (what: string) => new Error(`${what}: injected fault`);

function faultyQueue<Body>(queue: Queue<Body>, orderId: string): Queue<Body> {
	const apply = async <T>(send: () => Promise<T>): Promise<T> => {
		const fault = take(queueFaults, [orderId]);
		if (fault === "throw") throw unavailable("Queue send failed");
		if (fault === "hang") return hang();
		if (fault === "duplicate") await send();
		return send();
	};
	return {
		send: (body, options) => apply(() => queue.send(body, options)),
		sendBatch: (messages, options) => apply(() => queue.sendBatch(messages, options)),
		metrics: () => queue.metrics(),
	} as Queue<Body>;
}

/** A native object's property, with methods bound to it (a proxy is not a valid `this` for them). */
function member(target: object, name: string | symbol): unknown {
	const value = Reflect.get(target, name);
	return typeof value === "function" ? value.bind(target) : value;
}

function faultyDatabase(db: D1Database, orderIds: readonly string[]): D1Database {
	const apply = async <T>(call: () => Promise<T>): Promise<T> => {
		const fault = take(databaseFaults, orderIds);
		if (fault === "throw") throw unavailable("D1_ERROR");
		if (fault === "hang") return hang();
		return call();
	};
	const real = new WeakMap<object, D1PreparedStatement>();
	const statement = (prepared: D1PreparedStatement): D1PreparedStatement => {
		const wrapped = new Proxy(prepared, {
			get(target, name) {
				if (name === "bind") return (...values: unknown[]) => statement(target.bind(...values));
				if (name === "run" || name === "first" || name === "all" || name === "raw") {
					const method = member(target, name) as (...args: unknown[]) => Promise<unknown>;
					return (...args: unknown[]) => apply(() => method(...args));
				}
				return member(target, name);
			},
		});
		real.set(wrapped, prepared);
		return wrapped;
	};
	return new Proxy(db, {
		get(target, name) {
			if (name === "prepare") return (query: string) => statement(target.prepare(query));
			if (name === "batch")
				return (statements: D1PreparedStatement[]) =>
					apply(() => target.batch(statements.map((s) => real.get(s) ?? s)));
			return member(target, name);
		},
	});
}

export function installPlatformFaults(): void {
	platform.queue = (queue, orderId) => (queueFaults.has(orderId) ? faultyQueue(queue, orderId) : queue);
	platform.database = (db, orderIds) =>
		orderIds.some((id) => databaseFaults.has(id)) ? faultyDatabase(db, orderIds) : db;
}
