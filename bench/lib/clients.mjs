import { requestJson } from "./http.mjs";
import { settings } from "./settings.mjs";
import { CLIENT_KEY } from "./systems.mjs";

const IN_PROGRESS = new Set(["running", "waiting", "compensating"]);
const headers = { Authorization: `Bearer ${CLIENT_KEY}` };

/**
 * How the load generator talks to one system. `place` starts an order; a durable system answers 202
 * and is then polled, the naive one answers when it is done. `finishedAt` is the system's own record
 * of when the order finished, on this machine's clock, so polling adds load but no error to latency.
 * With `waitSeconds`, an order's own placement and reads (`{ hold: true }`) send `Prefer: wait`: the
 * answer comes when the order ends (201 to a placement), so one request replaces the polls.
 */
export function durableClient(name, baseUrl, finishedAt, { waitSeconds = 0 } = {}) {
	const held = (hold) => (hold && waitSeconds > 0 ? { ...headers, Prefer: `wait=${waitSeconds}` } : headers);
	return {
		name,
		async place(order, { hold = false } = {}) {
			const { status, body } = await requestJson("POST", `${baseUrl}/orders`, { body: order, headers: held(hold) });
			if (status !== 202 && status !== 201)
				throw new Error(`${name}: POST /orders answered ${status}: ${JSON.stringify(body)}`);
			return { done: false, body };
		},
		async status(orderId, { hold = false } = {}) {
			const { status, body } = await requestJson("GET", `${baseUrl}/orders/${encodeURIComponent(orderId)}`, {
				headers: held(hold),
			});
			if (status !== 200)
				throw new Error(`${name}: GET /orders/${orderId} answered ${status}: ${JSON.stringify(body)}`);
			return body;
		},
		finished: (body) => !IN_PROGRESS.has(body.status),
		finishedAt,
	};
}

/**
 * The orchestrator's `updatedAt` is its last journal entry's time. Its `usage` is read again a second
 * after the finish (BENCH_SETTLE_MS): by then the last hand-over is done and the alarm has moved to
 * the data's erasure (its last write), and the object is still in memory (an object restarted since
 * reports the counts saved with its last journal row, which miss what followed).
 */
export const orchestratorClient = (baseUrl) => ({
	...durableClient("orchestrator", baseUrl, (body) => Date.parse(body.updatedAt), {
		waitSeconds: settings.preferWaitSeconds,
	}),
	settleMs: settings.settleMs,
});

export const workflowsClient = (baseUrl) =>
	durableClient("workflows", baseUrl, (body) => body.output?.finishedAt ?? null);

export function naiveClient(baseUrl) {
	return {
		name: "naive",
		async place(order) {
			const { status, body } = await requestJson("POST", `${baseUrl}/orders`, { body: order, headers });
			if (status !== 200) throw new Error(`naive: POST /orders answered ${status}: ${JSON.stringify(body)}`);
			return { done: true, body };
		},
		finished: () => true,
		finishedAt: () => null,
	};
}
