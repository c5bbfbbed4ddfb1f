import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { OrderObject } from "../../src/order/order-object";
import { workflowIdOf } from "../../src/order/tenant";
import { contractBreaches } from "../contract";
import type { FuzzRequest } from "./api-arbitraries";
import { buildRequest, type Fixture } from "./api-request";

/** The tenants the fuzz's keys belong to: a request of either may touch either's order of an id. */
const TENANTS = ["default", "acme"];

/** What the order id's objects (one per tenant) have stored: rows per table and the alarm. */
async function fingerprint(orderId: string): Promise<string> {
	return JSON.stringify(await Promise.all(TENANTS.map((tenant) => objectPrint(workflowIdOf({ tenant, orderId })))));
}

async function objectPrint(workflowId: string): Promise<string> {
	return runInDurableObject(env.ORDERS.get(env.ORDERS.idFromName(workflowId)), async (_, state) => {
		const tables = state.storage.sql
			// The platform's own tables start with "_"; the escape makes "_" literal (unescaped it matches any character).
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
			)
			.toArray()
			.map(({ name }) => `${name}:${state.storage.sql.exec(`SELECT count(*) AS n FROM "${name}"`).one().n}`);
		// Key-value entries (the customer's personal data) live in a platform table: counted apart.
		const entries = [...state.storage.kv.list()].length;
		return JSON.stringify({ tables, entries, alarm: await state.storage.getAlarm() });
	});
}
/**
 * Waits until each object of the order id is at rest: an order a generated request placed is answered
 * 202 as soon as its start is durable, and goes on running in the background (its breaker asked, its
 * first call made); only at rest is its storage a baseline that a later request must leave alone.
 */
async function atRest(orderId: string): Promise<void> {
	for (const tenant of TENANTS) {
		const stub = env.ORDERS.get(env.ORDERS.idFromName(workflowIdOf({ tenant, orderId })));
		for (let tries = 0; tries < 400; tries++) {
			if (!(await runInDurableObject(stub, (instance: OrderObject) => instance.engine.busy))) break;
			await scheduler.wait(5);
		}
	}
}

const EMPTY = JSON.stringify(TENANTS.map(() => JSON.stringify({ tables: [], entries: 0, alarm: null })));

/**
 * Sends generated requests to the Worker and checks what the API promises for every one of them:
 * never a 5xx; every error a problem document (RFC 9457) whose status matches; every success JSON;
 * and a rejected request writes nothing: an order id it names that was never placed still has no
 * storage at all, and a placed order (the fixtures, or one a generated request placed) is unchanged.
 */
export class ApiOracle {
	requests = 0;
	skipped = 0;
	readonly statuses: Record<number, number> = {};
	private fresh = 0;
	private readonly placed = new Set<string>();

	constructor(
		private readonly fixtures: Fixture[],
		private readonly tag: string,
		/** Places and settles a new waiting order, to replace a fixture that a request legitimately changed. */
		private readonly newFixture: (name: string) => Promise<Fixture>,
	) {
		for (const f of fixtures) this.placed.add(f.orderId);
	}

	async check(req: FuzzRequest): Promise<string[]> {
		const id =
			req.id.kind === "fresh"
				? `fz${this.tag}-${++this.fresh}`
				: req.id.kind === "fixture"
					? (this.fixtures[req.id.n]?.orderId ?? "")
					: req.id.value;
		const built = await buildRequest(req, id, this.fixtures);
		let request: Request;
		try {
			request = new Request(built.url, built.init);
		} catch {
			// The client cannot even build it (a header value fetch refuses): nothing reaches the Worker.
			this.skipped++;
			return [];
		}
		const touched = [...new Set([built.pathId, built.bodyId].filter((x): x is string => x !== null && x !== ""))];
		const before = new Map<string, string>();
		for (const orderId of touched) {
			if (this.placed.has(orderId)) await atRest(orderId);
			before.set(orderId, this.placed.has(orderId) ? await fingerprint(orderId) : EMPTY);
		}

		this.requests++;
		let response: Response;
		try {
			response = await exports.default.fetch(request);
		} catch (error) {
			return [`the Worker threw instead of answering: ${String(error)}`];
		}
		this.statuses[response.status] = (this.statuses[response.status] ?? 0) + 1;
		const problems = [
			...(await contractBreaches(req.method, request.url, response)),
			...(await this.checkResponse(req.method, response)),
		];
		const placedNow = req.method === "POST" && req.route === "orders" && response.status < 300 && built.bodyId;
		if (placedNow) this.placed.add(built.bodyId as string);
		// An accepted action (a cancel, with a client key, on a waiting order) changes the order, as it should,
		// and goes on changing it in the background: that fixture is retired and a new one takes its place.
		const fixture = this.fixtures.findIndex((f) => f.orderId === built.pathId);
		const changed = fixture >= 0 && response.status === 202 && req.method === "POST";
		if (changed) {
			const replacement = await this.newFixture(`${this.tag}-${++this.fresh}`);
			this.fixtures[fixture] = replacement;
			this.placed.add(replacement.orderId);
		}
		for (const orderId of touched) {
			if ((placedNow && orderId === built.bodyId) || (changed && orderId === built.pathId)) continue;
			const after = await fingerprint(orderId);
			if (after !== before.get(orderId))
				problems.push(
					`answered ${response.status} yet changed the storage of ${JSON.stringify(orderId)}: ${before.get(orderId)} -> ${after}`,
				);
		}
		return problems;
	}

	private async checkResponse(method: string, response: Response): Promise<string[]> {
		const problems: string[] = [];
		const { status } = response;
		const type = response.headers.get("Content-Type") ?? "";
		if (status >= 500) problems.push(`answered ${status}`);
		if (status < 200 || (status >= 300 && status < 400)) problems.push(`answered ${status}, neither 2xx nor 4xx`);
		if (status === 405 && !response.headers.get("Allow")) problems.push("405 without an Allow header");
		if (status === 429 && !response.headers.get("Retry-After")) problems.push("429 without a Retry-After header");
		if (method === "HEAD") return problems;
		const text = await response.text();
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			problems.push(`answered ${status} with a body that is not JSON: ${text.slice(0, 100)}`);
			return problems;
		}
		if (status >= 400) {
			if (type !== "application/problem+json")
				problems.push(`answered ${status} as ${type}, not application/problem+json`);
			const p = parsed as { type?: unknown; title?: unknown; status?: unknown; detail?: unknown };
			if (typeof p.type !== "string" || typeof p.title !== "string" || p.title === "" || typeof p.detail !== "string")
				problems.push(
					`answered ${status} with a problem document missing type, title or detail: ${text.slice(0, 200)}`,
				);
			if (typeof (p as { requestId?: unknown }).requestId !== "string" || !response.headers.get("X-Request-Id"))
				problems.push(`answered ${status} with no request id in the problem or its headers`);
			if (p.status !== status)
				problems.push(`answered ${status} with a problem document saying status ${String(p.status)}`);
		} else if (!type.startsWith("application/json")) {
			problems.push(`answered ${status} as ${type}, not JSON`);
		}
		return problems;
	}
}
