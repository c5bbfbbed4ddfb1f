import { setTimeout as sleep } from "node:timers/promises";

/**
 * A DevTools session on the inspector port `wrangler dev` opens (`--inspector-port`): its proxy takes
 * one client at a time and wants an `Origin` it trusts. Commands answer by id; events go to `on`.
 * `close()` must be called: a client that vanishes without closing keeps the proxy's one seat.
 */
export async function openInspector(port) {
	const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Origin: "http://127.0.0.1" } });
	const pending = new Map();
	const listeners = new Map();
	let next = 0;
	let closed = false;
	const ended = new Promise((resolve) =>
		socket.addEventListener("close", () => {
			closed = true;
			for (const { reject } of pending.values()) reject(new Error("the inspector connection closed"));
			resolve();
		}),
	);
	socket.addEventListener("message", (event) => {
		const message = JSON.parse(String(event.data));
		const waiting = message.id !== undefined && pending.get(message.id);
		if (waiting) {
			pending.delete(message.id);
			if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
			else waiting.resolve(message.result ?? {});
		} else if (message.method) listeners.get(message.method)?.(message.params);
	});
	await new Promise((resolve, reject) => {
		socket.addEventListener("open", resolve, { once: true });
		socket.addEventListener("error", () => reject(new Error(`no inspector on port ${port}`)), { once: true });
	});
	return {
		send(method, params = {}, timeoutMs = 30_000) {
			if (closed) return Promise.reject(new Error("the inspector connection is closed"));
			// Ids of our own range: the proxy also relays the answers to wrangler's commands.
			const id = 2_000_000_000 + next++;
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					pending.delete(id);
					reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
				}, timeoutMs);
				const settle = (fn) => (value) => {
					clearTimeout(timer);
					fn(value);
				};
				pending.set(id, { method, resolve: settle(resolve), reject: settle(reject) });
				socket.send(JSON.stringify({ id, method, params }));
			});
		},
		on(method, listener) {
			listeners.set(method, listener);
		},
		/** wrangler's proxy does not always answer the closing handshake; the seat is free once we have sent ours. */
		async close() {
			if (!closed) socket.close();
			await Promise.race([ended, sleep(2000)]);
		},
	};
}
