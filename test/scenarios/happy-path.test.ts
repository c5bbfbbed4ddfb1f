import { describe, expect, it } from "vitest";
import { WAREHOUSE_ANSWERS, WAREHOUSE_WAIT } from "../../src/order/pick";
import {
	confirmPick,
	effectCounts,
	eventually,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	pickToken,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

describe("happy path: charge, reserve, ship, pick, confirm", () => {
	it("runs every step once and completes after the warehouse picks", async () => {
		const orderId = newOrderId("happy");
		const placed = await placeOrder(orderBody(orderId));
		expect(placed.status).toBe(202);
		expect(placed.headers.get("Location")).toBe(`/orders/${orderId}?tenant=default`);
		expect(await placed.json()).toMatchObject({
			tenant: "default",
			orderId,
			status: "running",
			totalCents: 3499,
			currency: "USD",
		});

		const waiting = await settle(orderId);
		expect(waiting.status).toBe("waiting");
		expect(waiting.waitingFor).toMatchObject({ event: WAREHOUSE_WAIT, events: [...WAREHOUSE_ANSWERS] });
		const deadline = Date.parse(waiting.waitingFor?.deadline ?? "");
		expect(deadline - Date.now()).toBeGreaterThan(47 * 3600_000);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, reservations: 1, shipments: 1, emails: 0 });

		const picked = await confirmPick(orderId, await pickToken(orderId));
		expect(picked.status).toBe(202);
		const done = await settle(orderId);
		expect(done).toMatchObject({ status: "completed", needsAttention: false, failure: null, currentStep: null });
		expect(done.steps.map((s) => [s.name, s.status, s.attempts, s.idempotencyKey])).toEqual([
			["charge-payment", "succeeded", 1, `${orderId}:charge-payment`],
			["reserve-inventory", "succeeded", 1, `${orderId}:reserve-inventory`],
			["schedule-shipping", "succeeded", 1, `${orderId}:schedule-shipping`],
			[WAREHOUSE_WAIT, "succeeded", 0, null],
			["send-confirmation", "succeeded", 1, `${orderId}:send-confirmation`],
		]);

		expect(done.steps.find((s) => s.name === WAREHOUSE_WAIT)?.event).toBe("warehouse-picked");
		// Verify pays for itself: an order with nothing in doubt never asks a service about a key.
		expect(done.steps.every((s) => s.verification === null && s.verifiedAt === null)).toBe(true);
		expect((await getHistory(orderId)).some((e) => e.type === "step_verified")).toBe(false);

		const l = await ledger(orderId);
		expect(requestsFor(l, "verify")).toEqual([]);
		expect(await effectCounts(orderId)).toEqual({
			charges: 1,
			refunds: 0,
			reservations: 1,
			releases: 0,
			shipments: 1,
			shipmentCancellations: 0,
			emails: 1,
			alerts: 0,
		});
		expect(l.charges[0]?.data).toMatchObject({ amountCents: 3499, currency: "USD" });
		expect(l.shipments[0]?.data.callbackUrl).toBe(
			`https://orders.test/orders/${orderId}/events/warehouse-picked?tenant=default`,
		);
		// Every downstream request carried its step's key.
		for (const request of l.requests) expect(request.idempotencyKey.startsWith(`${orderId}:`)).toBe(true);

		const types = (await getHistory(orderId)).map((e) => e.type);
		expect(types[0]).toBe("workflow_started");
		expect(types).toContain("event_waiting");
		expect(types).toContain("event_received");
		expect(types.at(-1)).toBe("workflow_finished");
	});

	it("accepts a redelivered pick with no second effect", async () => {
		const orderId = newOrderId("redeliver");
		await placeOrder(orderBody(orderId));
		await settle(orderId);
		const token = await pickToken(orderId);
		expect((await confirmPick(orderId, token)).status).toBe(202);
		await settle(orderId);
		const again = await confirmPick(orderId, token);
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ outcome: "duplicate" });
		await settle(orderId);
		expect(await effectCounts(orderId)).toMatchObject({ emails: 1 });
	});
});

describe("a fast warehouse", () => {
	it("a pick that arrives before the shipment's answer is recorded is kept, and the order completes", async () => {
		const orderId = newOrderId("early-pick");
		// The shipment is booked at once but its answer takes 150 ms: the warehouse picks in between.
		await injectFault({ service: "shipping", operation: "ship", orderId, fault: "latency", latencyMs: 150 });
		await placeOrder(orderBody(orderId));
		const token = await eventually(
			() => pickToken(orderId).catch(() => null),
			(t) => t !== null,
		);
		const picked = await confirmPick(orderId, token ?? "");
		expect(picked.status).toBe(202);
		const done = await settle(orderId);
		expect(done.status).toBe("completed");
		const types = (await getHistory(orderId)).map((e) => e.type);
		expect(types.indexOf("event_received")).toBeLessThan(types.lastIndexOf("step_succeeded"));
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, shipments: 1, emails: 1 });
	});
});
