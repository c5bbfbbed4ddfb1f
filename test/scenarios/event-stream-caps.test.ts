import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consoleRequest, signIn } from "../console/console";
import { api, confirmPick, eventually, newOrderId, orderBody, placeUntilPick } from "../helpers";
import { readEvents } from "../server-events";

/** Keys of tenant "streams", which no other test uses: their streams are this file's alone. */
const VIEWER = "test-streams-key-0001";
const OTHER_VIEWER = "test-streams-key-0002";
const PER_KEY = 10;

const open = (orderId: string, key: string, tenant = "streams") =>
	api(`/orders/${orderId}/events?tenant=${tenant}`, { key });

/** Places an order for tenant "streams" (its keys place their own), waiting for the warehouse. */
async function streamsOrder(label: string): Promise<string> {
	const orderId = newOrderId(label);
	expect((await api("/orders", { method: "POST", key: VIEWER, body: orderBody(orderId) })).status).toBe(202);
	return orderId;
}

const quota = (name: string) => env.STREAMS.get(env.STREAMS.idFromName(name));

describe("event streams are capped per order, per key and per tenant: past a cap 429, nothing rotated", () => {
	it("a fifth client viewer of an order is answered 429; the operator's console view is never evicted", async () => {
		const orderId = newOrderId("caps-order");
		const token = await placeUntilPick(orderBody(orderId));
		const cookie = await signIn();
		const console = await consoleRequest(`/ops/orders/default/${orderId}/events`, { cookie });
		expect(console.status).toBe(200);
		const clients: Response[] = [];
		for (let i = 0; i < 4; i++) clients.push(await api(`/orders/${orderId}/events`));
		expect(clients.map((r) => r.status)).toEqual([200, 200, 200, 200]);

		const fifth = await api(`/orders/${orderId}/events`);
		expect(fifth.status).toBe(429);
		expect(fifth.headers.get("Retry-After")).toBeTruthy();
		expect(await fifth.json()).toMatchObject({ type: "/problems/too-many-streams" });

		// Every stream already open stays open, the operator's included, and follows the order live.
		expect((await confirmPick(orderId, token)).status).toBe(202);
		const live = await readEvents(console, (events) => events.some((e) => e.event === "workflow_finished"));
		expect(live.map((e) => e.event)).toContain("event_received");
		const first = await readEvents(clients[0] as Response, (events) =>
			events.some((e) => e.event === "workflow_finished"),
		);
		expect(first.at(-1)?.event).toBe("workflow_finished");

		// A viewer that leaves frees its place (by the next heartbeat, 5 s): the next one is let in.
		const next = await eventually(
			() => api(`/orders/${orderId}/events`),
			(response) => response.status === 200,
			15_000,
		);
		await next.body?.cancel();
		for (const response of clients.slice(1)) await response.body?.cancel();
	});

	it("one key holds at most its cap of streams across orders; another key of the tenant is not stopped", async () => {
		const orders = [
			await streamsOrder("caps-key-a"),
			await streamsOrder("caps-key-b"),
			await streamsOrder("caps-key-c"),
		];
		const held: Response[] = [];
		let refused: Response | undefined;
		for (let i = 0; i < 12 && !refused; i++) {
			const response = await open(orders[i % 3] as string, VIEWER);
			if (response.status === 429) refused = response;
			else {
				expect(response.status).toBe(200);
				held.push(response);
			}
		}
		expect(held).toHaveLength(PER_KEY);
		expect(await refused?.json()).toMatchObject({
			type: "/problems/too-many-streams",
			detail: expect.stringContaining("This key"),
		});
		expect(await quota("tenant:streams").open()).toBe(PER_KEY);
		// orders[0] has four of the key's streams, its client limit; orders[1] has three.
		const other = await open(orders[1] as string, OTHER_VIEWER);
		expect(other.status).toBe(200);
		// Streams that end give their leases back.
		for (const response of [...held, other]) await response.body?.cancel();
		await eventually(
			() => quota("tenant:streams").open(),
			(n) => n === 0,
		);
	});

	it("a tenant's keys together hold at most the tenant's cap", async () => {
		const tenant = quota(`tenant:${newOrderId("caps-tenant")}`);
		const leases = [
			await tenant.acquire("client:t:a", 2, 3),
			await tenant.acquire("client:t:a", 2, 3),
			await tenant.acquire("client:t:a", 2, 3),
			await tenant.acquire("client:t:b", 2, 3),
			await tenant.acquire("client:t:c", 2, 3),
		];
		expect(leases.map((l) => ("refused" in l ? l.refused : "ok"))).toEqual(["ok", "ok", "key", "ok", "tenant"]);
		const first = leases[0];
		if (!first || !("lease" in first)) throw new Error("no lease");
		await tenant.release(first.lease);
		expect("lease" in (await tenant.acquire("client:t:c", 2, 3))).toBe(true);
	});
});
