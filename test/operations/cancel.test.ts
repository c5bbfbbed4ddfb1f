import { describe, expect, it } from "vitest";
import { WAREHOUSE_WAIT } from "../../src/order/pick";
import type { OrderStatus } from "../../src/order/status";
import {
	API_KEY,
	act,
	api,
	confirmPick,
	EVERYTHING_UNDONE,
	effectCounts,
	getHistory,
	getStatus,
	injectFault,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeOrder,
	placeUntilPick,
	settle,
} from "../helpers";

describe("cancelling an order", () => {
	it("before the point of no return: everything done is undone and the order ends cancelled", async () => {
		const orderId = newOrderId("cancel-waiting");
		await placeUntilPick(orderBody(orderId));
		const response = await act(orderId, "cancel", { key: API_KEY, reason: "customer changed their mind" });
		expect(response.status).toBe(202);
		const status = await settle(orderId);
		// The client is told the code in neutral words; an operator reads the reason that was given.
		expect(status).toMatchObject({
			status: "cancelled",
			failure: { step: WAREHOUSE_WAIT, code: "cancelled", message: "the order was cancelled" },
		});
		const seenByOperator = await api(`/orders/${orderId}`, { key: OPERATOR_KEY });
		expect((await seenByOperator.json<OrderStatus>()).failure?.message).toBe("customer changed their mind");
		expect(await effectCounts(orderId)).toMatchObject(EVERYTHING_UNDONE);
		const audit = (await getHistory(orderId)).find((e) => e.type === "operator_action");
		expect(audit).toMatchObject({
			action: "cancel",
			reason: "customer changed their mind",
			// The audit names the key by its configured name (here its position), never by anything of the key.
			actor: "client:default:key-1",
		});
		expect(JSON.stringify(await getHistory(orderId))).not.toContain(API_KEY);
	});

	it("while a step is retrying: the retry is given up, and what was done is undone", async () => {
		const orderId = newOrderId("cancel-retrying");
		// 429: the reservation was not made, so nothing is in doubt and the retry can simply be given up.
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 429, times: 100 });
		await placeOrder(orderBody(orderId));
		await settle(orderId, (s) => s.steps[1]?.status === "retrying");
		expect((await act(orderId, "cancel")).status).toBe(202);
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "cancelled", failure: { step: "reserve-inventory", code: "cancelled" } });
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0 });
	});

	it("after the point of no return: 409, and nothing changes", async () => {
		const orderId = newOrderId("cancel-too-late");
		const token = await placeUntilPick(orderBody(orderId));
		await confirmPick(orderId, token);
		expect((await settle(orderId)).status).toBe("completed");
		const response = await act(orderId, "cancel", { key: API_KEY });
		expect(response.status).toBe(409);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		expect((await response.json<{ detail: string }>()).detail).toContain("point of no return");
		expect(await effectCounts(orderId)).toMatchObject({ refunds: 0, emails: 1 });
	});

	it("twice: the same Idempotency-Key answers 200 and does nothing; without it, 409", async () => {
		const orderId = newOrderId("cancel-twice");
		await placeUntilPick(orderBody(orderId));
		expect((await act(orderId, "cancel", { idempotencyKey: "c-1" })).status).toBe(202);
		const again = await act(orderId, "cancel", { idempotencyKey: "c-1" });
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ outcome: "repeated" });
		expect((await act(orderId, "cancel")).status).toBe(409);
		await settle(orderId);
		expect((await getHistory(orderId)).filter((e) => e.type === "operator_action")).toHaveLength(1);
		expect(await effectCounts(orderId)).toMatchObject({ refunds: 1 });
	});

	it("an unknown order: 404", async () => {
		expect((await act(newOrderId("ghost"), "cancel")).status).toBe(404);
	});

	it("a late pick after a cancel is refused with 410", async () => {
		const orderId = newOrderId("cancel-then-pick");
		const token = await placeUntilPick(orderBody(orderId));
		await act(orderId, "cancel");
		await settle(orderId);
		expect((await confirmPick(orderId, token)).status).toBe(410);
		expect((await getStatus(orderId)).status).toBe("cancelled");
	});
});
