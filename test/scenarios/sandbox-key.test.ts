import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const KEY = "test-sandbox-key-0001";

function locked(path: string, init: { method?: string; key?: string; body?: unknown; idempotencyKey?: string } = {}) {
	const headers: Record<string, string> = { "Content-Type": "application/json" };
	if (init.key) headers.Authorization = `Bearer ${init.key}`;
	if (init.idempotencyKey) headers["Idempotency-Key"] = init.idempotencyKey;
	return env.LOCKED_SANDBOX.fetch(`https://sandbox.test${path}`, {
		method: init.method ?? "GET",
		headers,
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
}

const shipment = (callbackUrl: string) => ({
	orderId: "sandbox-key-1",
	callbackUrl,
	callbackToken: "v2.k.e30.sig",
	address: { city: "London" },
});

describe("a deployed sandbox (SANDBOX_KEY set)", () => {
	it.each([
		["GET", "/ledger"],
		["GET", "/shipping/shipments?orderId=x"],
		["POST", "/faults"],
		["DELETE", "/faults"],
		["POST", "/payments/charges"],
		["POST", "/shipping/shipments/sh_1/pick"],
		["POST", "/alerts"],
		["POST", "/alerts/wrong-key"],
		// A key segment that is not valid percent-encoding is a wrong key, not a crash.
		["POST", "/alerts/%ZZ"],
	])("refuses %s %s without the key: 401", async (method, path) => {
		const response = await locked(path, { method, body: method === "POST" ? {} : undefined, key: undefined });
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({ code: "sandbox_key_required" });
		expect((await locked(path, { method, key: "test-sandbox-key-0002" })).status).toBe(401);
	});

	it("serves every route with the key, and the alert webhook with the key as its last segment", async () => {
		expect((await locked("/ledger", { key: KEY })).status).toBe(200);
		const alert = await locked(`/alerts/${KEY}`, { method: "POST", body: { text: "hi" }, idempotencyKey: "alert-1" });
		expect(alert.status).toBeLessThan(300);
	});

	it("calls back only the configured orchestrator's origin: never a relay to another URL", async () => {
		for (const [n, url] of [
			[1, "https://attacker.test/collect"],
			[2, "https://orders.test.attacker.test/orders/x/events/warehouse-picked"],
			[3, "http://orders.test/orders/x/events/warehouse-picked"],
		] as const) {
			const created = await locked("/shipping/shipments", {
				method: "POST",
				key: KEY,
				body: shipment(url),
				idempotencyKey: `relay-${n}`,
			});
			expect(created.status).toBe(201);
			const { id } = await created.json<{ id: string }>();
			const pick = await locked(`/shipping/shipments/${id}/pick`, { method: "POST", key: KEY });
			expect(pick.status).toBe(422);
			expect(await pick.json()).toMatchObject({ code: "callback_not_allowed" });
		}
	});
});
