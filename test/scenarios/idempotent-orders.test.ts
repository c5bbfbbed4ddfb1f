import { describe, expect, it } from "vitest";
import { shareBreakers, slowAdmissionsOf } from "../breakers";
import { api, crash, effectCounts, getHistory, newOrderId, orderBody, placeOrder, settle } from "../helpers";

describe("POST /orders is idempotent by order id", () => {
	it("the same body again answers 200 with the current status, and charges once", async () => {
		const orderId = newOrderId("same-body");
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		await settle(orderId);
		const again = await placeOrder(orderBody(orderId));
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ orderId, status: "waiting" });
		await settle(orderId);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1 });
		expect((await getHistory(orderId)).filter((e) => e.type === "workflow_started")).toHaveLength(1);
	});

	it("the same order id with a different body is refused with 422", async () => {
		const orderId = newOrderId("other-body");
		await placeOrder(orderBody(orderId));
		const conflict = await placeOrder(orderBody(orderId, { currency: "EUR" }));
		expect(conflict.status).toBe(422);
		expect(conflict.headers.get("Content-Type")).toBe("application/problem+json");
		expect(await conflict.json()).toMatchObject({ status: 422, type: "/problems/order-conflict" });
	});

	it("20 concurrent identical requests make exactly one order", async () => {
		const orderId = newOrderId("concurrent");
		const responses = await Promise.all(Array.from({ length: 20 }, () => placeOrder(orderBody(orderId))));
		const statuses = responses.map((r) => r.status).sort();
		expect(statuses.filter((s) => s === 202)).toHaveLength(1);
		expect(statuses.filter((s) => s === 200)).toHaveLength(19);
		await settle(orderId);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, reservations: 1, shipments: 1 });
		expect((await getHistory(orderId)).filter((e) => e.type === "workflow_started")).toHaveLength(1);
	});

	it("a repeat that lands before the first placement is in storage is answered only once it is", async () => {
		const prefix = newOrderId("before-durable");
		shareBreakers(prefix, { api: false });
		// A first order makes this isolate trust the payments breaker: the next one asks it nothing, and
		// its run goes straight to the charge with its start not yet written.
		const warm = `${prefix}-warm`;
		expect((await placeOrder(orderBody(warm))).status).toBe(202);
		await settle(warm);
		const orderId = `${prefix}-0`;
		slowAdmissionsOf(orderId, 300);
		const first = placeOrder(orderBody(orderId)).catch(() => null);
		await scheduler.wait(50);
		expect((await placeOrder(orderBody(orderId))).status).toBe(200);
		// The object crashes right after that 200: the order it confirmed must be there.
		await crash(orderId);
		await first;
		expect((await api(`/orders/${orderId}`)).status).toBe(200);
	});
});
