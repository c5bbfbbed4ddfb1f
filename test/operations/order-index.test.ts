import { describe, expect, it } from "vitest";
import { WAREHOUSE_WAIT } from "../../src/order/pick";
import {
	API_KEY,
	api,
	confirmPick,
	eventually,
	injectFault,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeOrder,
	placeUntilPick,
	settle,
} from "../helpers";

interface Listed {
	orders: { orderId: string; status: string; currentStep: string | null; failureCode: string | null }[];
	nextCursor: string | null;
}

const list = async (query: string) => {
	const response = await api(`/orders?${query}`, { key: OPERATOR_KEY });
	expect(response.status, await response.clone().text()).toBe(200);
	return response.json<Listed>();
};

const indexed = (orderId: string) => async () => (await list("limit=200")).orders.find((o) => o.orderId === orderId);

describe("the order index", () => {
	it("follows an order through every status", async () => {
		const orderId = newOrderId("indexed");
		const token = await placeUntilPick(orderBody(orderId));
		expect(await eventually(indexed(orderId), (o) => o?.status === "waiting")).toMatchObject({
			currentStep: WAREHOUSE_WAIT,
		});
		await confirmPick(orderId, token);
		await settle(orderId);
		expect(await eventually(indexed(orderId), (o) => o?.status === "completed")).toMatchObject({ currentStep: null });
	});

	it("records failures, and filters by status, step and failure", async () => {
		const declined = newOrderId("idx-declined");
		await placeOrder(orderBody(declined, { paymentMethod: "pm_card_declined" }));
		await settle(declined);
		const stuck = newOrderId("idx-retrying");
		await injectFault({
			service: "inventory",
			operation: "reserve",
			orderId: stuck,
			fault: "error",
			status: 503,
			times: 100,
		});
		await placeOrder(orderBody(stuck));
		await settle(stuck, (s) => s.steps[1]?.status === "retrying");

		await eventually(indexed(declined), (o) => o?.status === "compensated");
		await eventually(indexed(stuck), (o) => o?.currentStep === "reserve-inventory");
		expect((await list("failure=card_declined")).orders.map((o) => o.orderId)).toContain(declined);
		expect((await list("failure=card_declined")).orders.map((o) => o.orderId)).not.toContain(stuck);
		expect((await list("step=reserve-inventory")).orders.map((o) => o.orderId)).toEqual([stuck]);
		expect((await list("status=compensated")).orders.every((o) => o.status === "compensated")).toBe(true);
	});

	it("pages newest first with a cursor, every order exactly once", async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const orderId = newOrderId(`page-${i}`);
			await placeOrder(orderBody(orderId, { paymentMethod: "pm_card_declined" }));
			await settle(orderId);
			ids.push(orderId);
			await scheduler.wait(2); // distinct creation times, so "newest first" is well defined
		}
		await eventually(
			async () => (await list("limit=200")).orders.length,
			(n) => n >= 5,
		);
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page: Listed = await list(`status=compensated&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
			expect(page.orders.length).toBeLessThanOrEqual(2);
			seen.push(...page.orders.map((o) => o.orderId));
			cursor = page.nextCursor;
		} while (cursor);
		const mine = seen.filter((id) => ids.includes(id));
		expect(mine).toEqual([...ids].reverse());
		expect(new Set(seen).size).toBe(seen.length);
	});

	it("rejects a bad cursor or filter with 400, and a client key with 403", async () => {
		expect((await api("/orders?cursor=nonsense", { key: OPERATOR_KEY })).status).toBe(400);
		expect((await api("/orders?status=lost", { key: OPERATOR_KEY })).status).toBe(400);
		expect((await api("/orders?limit=0", { key: OPERATOR_KEY })).status).toBe(400);
		expect((await api("/orders", { key: API_KEY })).status).toBe(403);
	});
});
