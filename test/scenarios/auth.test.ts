import { describe, expect, it } from "vitest";
import { api, newOrderId, orderBody, storedState } from "../helpers";

describe("client endpoints need an API key", () => {
	it.each([
		["no Authorization header", null],
		["an unknown key", "wrong-key"],
		["an empty key", ""],
	])("answers 401 for %s, before touching the order", async (_, key) => {
		const orderId = newOrderId("auth");
		for (const response of [
			await api("/orders", { method: "POST", body: orderBody(orderId), key }),
			await api(`/orders/${orderId}`, { key }),
			await api(`/orders/${orderId}/history`, { key }),
		]) {
			expect(response.status).toBe(401);
			expect(response.headers.get("Content-Type")).toBe("application/problem+json");
			expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
		}
		expect(await storedState(orderId)).toEqual({ tables: [], entries: 0, alarm: null });
	});

	it("accepts every configured key", async () => {
		const orderId = newOrderId("second-key");
		expect(
			(await api("/orders", { method: "POST", body: orderBody(orderId), key: "test-client-key-0002" })).status,
		).toBe(202);
		expect((await api(`/orders/${orderId}`, { key: "test-client-key-0001" })).status).toBe(200);
	});

	it("serves the OpenAPI document without a key, generated from the schemas", async () => {
		const response = await api("/openapi.json", { key: null });
		expect(response.status).toBe(200);
		const doc = await response.json<{
			openapi: string;
			paths: Record<string, object>;
			components: { schemas: object };
		}>();
		expect(doc.openapi).toBe("3.1.0");
		expect(Object.keys(doc.paths).sort()).toEqual([
			"/dead-letters",
			"/downstreams",
			"/downstreams/{name}/pause",
			"/downstreams/{name}/resume",
			"/orders",
			"/orders/retry",
			"/orders/{orderId}",
			"/orders/{orderId}/cancel",
			"/orders/{orderId}/events",
			"/orders/{orderId}/events/warehouse-cannot-pick",
			"/orders/{orderId}/events/warehouse-picked",
			"/orders/{orderId}/history",
			"/orders/{orderId}/pause",
			"/orders/{orderId}/resolve",
			"/orders/{orderId}/resume",
			"/orders/{orderId}/retry",
			"/orders/{orderId}/terminate",
			"/workflow-versions",
		]);
		expect(Object.keys(doc.components.schemas)).toEqual(
			expect.arrayContaining(["Order", "OrderStatus", "Problem", "PickConfirmation", "RetryRequest"]),
		);
	});
});
