import { describe, expect, it } from "vitest";
import { signCallbackToken } from "../../src/order/callback-token";
import { PICK_EVENT } from "../../src/order/pick";
import {
	ACME_KEY,
	API_KEY,
	act,
	api,
	confirmPick,
	eventually,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	outOfStockOrder,
	settle,
	testSigner,
} from "../helpers";

const acme = (path: string, init: Parameters<typeof api>[1] = {}) => api(path, { key: ACME_KEY, ...init });

describe("tenants: an order is (tenant, orderId)", () => {
	it("keeps the same order id of two tenants apart: two orders, two sets of effects", async () => {
		const orderId = newOrderId("same-id");
		expect((await api("/orders", { method: "POST", body: orderBody(orderId) })).status).toBe(202);
		const placed = await acme("/orders", {
			method: "POST",
			body: orderBody(orderId, { items: [{ sku: "MUG-2", quantity: 1, unitPriceCents: 900 }] }),
		});
		// Not a conflict with the default tenant's order of another body: a new order of acme.
		expect(placed.status).toBe(202);
		expect(placed.headers.get("Location")).toBe(`/orders/${orderId}?tenant=acme`);

		const [mine, theirs] = await Promise.all([
			settle(orderId),
			eventually(
				async () => (await acme(`/orders/${orderId}`)).json<{ status: string; tenant: string }>(),
				(s) => s.status === "waiting",
			),
		]);
		expect(mine).toMatchObject({ status: "waiting", tenant: "default" });
		expect(theirs).toMatchObject({ status: "waiting", tenant: "acme" });

		const charges = (await ledger(orderId)).charges.map((c) => c.idempotencyKey).sort();
		expect(charges).toEqual([`${orderId}:charge-payment`, `acme/${orderId}:charge-payment`].sort());
		const shipments = (await ledger(orderId)).shipments.map((s) => s.data.callbackUrl);
		expect(shipments).toEqual(
			expect.arrayContaining([expect.stringContaining("?tenant=default"), expect.stringContaining("?tenant=acme")]),
		);
	});

	it("answers 404 to another tenant's key on every order route, and never touches the order", async () => {
		const orderId = newOrderId("foreign");
		expect((await api("/orders", { method: "POST", body: orderBody(orderId) })).status).toBe(202);
		await settle(orderId);
		const attempts = [
			acme(`/orders/${orderId}?tenant=default`),
			acme(`/orders/${orderId}/history?tenant=default`),
			acme(`/orders/${orderId}/cancel?tenant=default`, { method: "POST", body: { reason: "not mine" } }),
			api(`/orders/${orderId}?tenant=acme`),
		];
		for (const response of await Promise.all(attempts)) {
			expect(response.status).toBe(404);
			expect(await response.json()).toMatchObject({ type: "/problems/order-not-found" });
		}
		// Acme's own namespace has no such order either: the same 404, nothing created.
		expect((await acme(`/orders/${orderId}`)).status).toBe(404);
		expect((await api(`/orders/${orderId}`)).status).toBe(200);
		expect((await api(`/orders/${orderId}`, { key: "test-client-key-0002" })).status).toBe(200);
	});

	it("binds pick tokens to their tenant: a token of the default tenant's order cannot pick acme's", async () => {
		const orderId = newOrderId("pick-tenant");
		await acme("/orders", { method: "POST", body: orderBody(orderId) });
		await eventually(
			async () => (await acme(`/orders/${orderId}`)).json<{ status: string }>(),
			(s) => s.status === "waiting",
		);
		const forged = await signCallbackToken(await testSigner(), { tenant: "default", orderId, event: PICK_EVENT });
		const byUrl = await api(`/orders/${orderId}/events/${PICK_EVENT}?tenant=acme`, {
			method: "POST",
			key: null,
			body: { token: forged, pickedBy: "w", pickedAt: new Date().toISOString() },
		});
		expect(byUrl.status).toBe(403);
		// The token's own tenant has no such order.
		expect((await confirmPick(orderId, forged)).status).toBe(404);

		const genuine = (await ledger(orderId)).shipments.find((s) => String(s.data.callbackUrl).includes("tenant=acme"));
		expect((await confirmPick(orderId, String(genuine?.data.callbackToken))).status).toBe(202);
	});

	it("lets operators see every tenant, filter by tenant, and act on a named tenant's order", async () => {
		const orderId = newOrderId("op-tenant");
		await acme("/orders", { method: "POST", body: outOfStockOrder(orderId) });
		const row = await eventually(
			async () =>
				(await api(`/orders?tenant=acme&status=compensated`, { key: OPERATOR_KEY })).json<{
					orders: { orderId: string; tenant: string }[];
				}>(),
			(page) => page.orders.some((o) => o.orderId === orderId),
		);
		expect(row.orders.every((o) => o.tenant === "acme")).toBe(true);
		const others = await (await api(`/orders?tenant=default&limit=100`, { key: OPERATOR_KEY })).json<{
			orders: { orderId: string }[];
		}>();
		expect(others.orders.some((o) => o.orderId === orderId)).toBe(false);

		expect((await api(`/orders/${orderId}?tenant=acme`, { key: OPERATOR_KEY })).status).toBe(200);
		expect((await api(`/orders/${orderId}`, { key: OPERATOR_KEY })).status).toBe(404);
		const resolve = await api(`/orders/${orderId}/resolve?tenant=acme`, {
			method: "POST",
			key: OPERATOR_KEY,
			body: { reason: "checked" },
		});
		// Compensated orders need no resolution: the answer is the order's, not a 404.
		expect(resolve.status).toBe(409);
		expect((await act(orderId, "cancel")).status).toBe(404);
	});

	it("lets a client name its own tenant, and only its own", async () => {
		const orderId = newOrderId("own-tenant");
		expect(
			(await api(`/orders?tenant=default`, { method: "POST", body: orderBody(orderId), key: API_KEY })).status,
		).toBe(202);
		expect((await api(`/orders/${orderId}?tenant=default`)).status).toBe(200);
		expect((await api(`/orders?tenant=acme`, { method: "POST", body: orderBody(newOrderId("x")) })).status).toBe(404);
	});
});
