import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/order/status";
import { api, confirmPick, effectCounts, newOrderId, orderBody, outOfStockOrder, pickToken, settle } from "../helpers";

const place = (body: unknown, prefer?: string) =>
	api("/orders", { method: "POST", body, headers: prefer === undefined ? {} : { Prefer: prefer } });

describe("Prefer: wait holds the answer until the order ends, instead of polling", () => {
	it("a new order that ends within the wait answers 201 with its final status, read once", async () => {
		const orderId = newOrderId("wait-oos");
		const placed = await place(outOfStockOrder(orderId), "wait=20");
		expect(placed.status).toBe(201);
		expect(placed.headers.get("Preference-Applied")).toBe("wait=20");
		expect(placed.headers.get("Location")).toBe(`/orders/${orderId}?tenant=default`);
		const status: OrderStatus = await placed.json();
		expect(status).toMatchObject({ status: "compensated", failure: { step: "reserve-inventory" } });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0 });
		// What the held answer said is what is stored: the same status read again.
		expect((await settle(orderId)).updatedAt).toBe(status.updatedAt);
	});

	it("an order still waiting for a person answers 202 when the wait runs out; a read that waits gets its end", async () => {
		const orderId = newOrderId("wait-pick");
		const startedAt = Date.now();
		const placed = await place(orderBody(orderId), "wait=1");
		expect(placed.status).toBe(202);
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
		expect(placed.headers.get("Preference-Applied")).toBe("wait=1");
		expect(await placed.json()).toMatchObject({ status: "waiting" });

		const read = api(`/orders/${orderId}`, { headers: { Prefer: "wait=30" } });
		const picked = await confirmPick(orderId, await pickToken(orderId));
		expect(picked.status).toBe(202);
		const answer = await read;
		expect(answer.status).toBe(200);
		expect(answer.headers.get("Preference-Applied")).toBe("wait=30");
		expect(await answer.json()).toMatchObject({ status: "completed", failure: null });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, shipments: 1, emails: 1 });
	});

	it("the same order placed again with a wait is 200; an ended order is answered at once, the wait capped", async () => {
		const orderId = newOrderId("wait-again");
		expect((await place(outOfStockOrder(orderId), "wait=20")).status).toBe(201);
		const again = await place(outOfStockOrder(orderId), "wait=3600");
		expect(again.status).toBe(200);
		expect(again.headers.get("Preference-Applied")).toBe("wait=60");
		expect(await again.json()).toMatchObject({ status: "compensated" });
	});

	it("no wait, another preference or a malformed wait: answered at once, nothing applied", async () => {
		for (const prefer of [undefined, "respond-async", "wait=soon", "wait=-1", "wait=0.5"]) {
			const orderId = newOrderId("wait-none");
			const placed = await place(orderBody(orderId), prefer);
			expect(placed.status, String(prefer)).toBe(202);
			expect(placed.headers.get("Preference-Applied"), String(prefer)).toBeNull();
			expect(await placed.json()).toMatchObject({ status: "running" });
		}
		const orderId = newOrderId("wait-zero");
		const placed = await place(orderBody(orderId), "respond-async, wait=0");
		expect(placed.status).toBe(202);
		expect(placed.headers.get("Preference-Applied")).toBe("wait=0");
	});

	it("an order that does not exist is 404 at once, whatever the wait", async () => {
		const response = await api(`/orders/${newOrderId("wait-missing")}`, { headers: { Prefer: "wait=30" } });
		expect(response.status).toBe(404);
		expect(response.headers.get("Content-Type")).toContain("application/problem+json");
	});
});
