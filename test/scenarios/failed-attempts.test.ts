import { describe, expect, it } from "vitest";
import { consoleRequest } from "../console/console";
import {
	API_KEY,
	api,
	confirmPick,
	inObject,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeUntilPick,
	settle,
} from "../helpers";

/** The limit of the AUTH_FAILURE_LIMIT binding: failed attempts per address in a minute. */
const LIMIT = 20;

/** A client address of its own per test, as Cloudflare's edge sets it: limits are counted per address. */
let next = 1;
const newAddress = () => `198.51.100.${next++}`;

/**
 * Sends failing attempts from `address` until one is answered 429; returns how many failed before it.
 * Windows are aligned to the clock, so a burst straddling two may see up to twice the limit pass.
 */
async function failUntilRefused(
	attempt: () => Promise<Response>,
	failure: number,
): Promise<{ failed: number; refused: Response }> {
	let failed = 0;
	for (;;) {
		const response = await attempt();
		if (response.status === 429) return { failed, refused: response };
		expect(response.status).toBe(failure);
		failed++;
		if (failed > 2 * LIMIT) throw new Error(`${failed} failed attempts and no 429`);
	}
}

const fromAddress = (address: string) => ({ "CF-Connecting-IP": address });

describe("failed authentication is counted per client address, and answered 429 past the limit", () => {
	it("wrong API keys: 429 after the limit, for the right key too from that address; other addresses unaffected", async () => {
		const address = newAddress();
		const wrong = () => api("/orders/some-order", { key: "not-a-key-of-ours-at-all", headers: fromAddress(address) });
		const { failed, refused } = await failUntilRefused(wrong, 401);
		expect(failed).toBeGreaterThanOrEqual(LIMIT);
		expect(failed).toBeLessThanOrEqual(2 * LIMIT);
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
		expect(await refused.json()).toMatchObject({ status: 429, type: "/problems/too-many-failed-attempts" });
		// From that address even the right key is not checked now: a right guess looks like a wrong one.
		expect((await api("/orders/some-order", { headers: fromAddress(address) })).status).toBe(429);
		// Another address, and the key itself elsewhere, go on as before.
		const elsewhere = fromAddress(newAddress());
		expect((await api("/orders/some-order", { key: "not-a-key-of-ours-at-all", headers: elsewhere })).status).toBe(401);
		expect((await api("/orders/some-order", { key: API_KEY, headers: elsewhere })).status).toBe(404);
	});

	it("console sign-ins with a wrong key: a 429 page after the limit, and no session for the right key then", async () => {
		const address = newAddress();
		const signIn = (key: string) =>
			consoleRequest("/ops/sign-in", { form: { key, next: "/ops/orders" }, headers: fromAddress(address) });
		const { failed, refused } = await failUntilRefused(() => signIn("not-an-operator-key-at-all"), 401);
		expect(failed).toBeGreaterThanOrEqual(LIMIT);
		expect(refused.headers.get("Content-Type")).toMatch(/^text\/html/);
		expect(refused.headers.get("Retry-After")).toBe("60");
		expect(await refused.text()).toContain("Too many failed attempts");
		const right = await signIn(OPERATOR_KEY);
		expect(right.status).toBe(429);
		expect(right.headers.get("Set-Cookie")).toBeNull();
	});

	it("forged pick tokens: 429 after the limit, before the token is even checked", async () => {
		const address = newAddress();
		const orderId = newOrderId("forged-picks");
		const token = await placeUntilPick(orderBody(orderId));
		const forged = `${token.slice(0, -4)}AAAA`;
		const pick = (t: string) =>
			api(`/orders/${orderId}/events/warehouse-picked`, {
				method: "POST",
				key: null,
				headers: fromAddress(address),
				body: { token: t, pickedBy: "w-1", pickedAt: new Date().toISOString() },
			});
		const { failed } = await failUntilRefused(() => pick(forged), 401);
		expect(failed).toBeGreaterThanOrEqual(LIMIT);
		expect((await pick(token)).status).toBe(429);
		// The warehouse's own address is not this one: its genuine pick goes through.
		expect((await confirmPick(orderId, token)).status).toBe(202);
	});

	it("repeats of an accepted pick are answered 200 without waking the order's object", async () => {
		const orderId = newOrderId("replayed-pick");
		const token = await placeUntilPick(orderBody(orderId));
		expect((await confirmPick(orderId, token)).status).toBe(202);
		await settle(orderId);
		const requests = () => inObject(orderId, (instance) => instance.engine.usage.requests);
		const before = await requests();
		const replies = await Promise.all(Array.from({ length: 200 }, () => confirmPick(orderId, token)));
		for (const reply of replies) {
			expect(reply.status).toBe(200);
			expect(await reply.json()).toEqual({ orderId, event: "warehouse-picked", outcome: "duplicate" });
		}
		expect(await requests()).toBe(before);
	});
});
