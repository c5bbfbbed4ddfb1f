import { describe, expect, it } from "vitest";
import {
	api,
	eventually,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeFailedRefund,
	placeOrder,
	settle,
} from "../helpers";

interface Listed {
	orders: { orderId: string; tenant: string; createdAt: string }[];
	nextCursor: string | null;
}

const list = async (path: string) => {
	const response = await api(path, { key: OPERATOR_KEY });
	expect(response.status, await response.clone().text()).toBe(200);
	return response.json<Listed>();
};
const ids = async (query: string) => (await list(`/orders?${query}`)).orders.map((o) => o.orderId).sort();

/** Places declined orders (they settle at once) and waits until the index has every one. */
async function placeDeclined(orderIds: string[]): Promise<void> {
	for (const orderId of orderIds) {
		expect((await placeOrder(orderBody(orderId, { paymentMethod: "pm_card_declined" }))).status).toBe(202);
		await settle(orderId);
		await scheduler.wait(2); // distinct creation times
	}
	for (const orderId of orderIds)
		await eventually(
			() => ids(`orderId=${orderId}`),
			(found) => found.length === 1,
		);
}

describe("finding orders", () => {
	it("by exact id and by how the id starts, case-sensitive, and nothing else", async () => {
		const fleet = newOrderId("Fleet");
		const members = [`${fleet}-a`, `${fleet}-b`, `${fleet}-b2`];
		const other = `${fleet.toLowerCase()}-a`;
		await placeDeclined([...members, other]);

		expect(await ids(`orderId=${fleet}-b`)).toEqual([`${fleet}-b`]);
		expect(await ids(`orderIdPrefix=${fleet}`)).toEqual(members);
		expect(await ids(`orderIdPrefix=${fleet}-b`)).toEqual([`${fleet}-b`, `${fleet}-b2`]);
		// A prefix is not a pattern: `_` and `%` match only themselves, and case counts.
		expect(await ids(`orderIdPrefix=${fleet.toLowerCase()}`)).toEqual([other]);
		expect(await ids(`orderIdPrefix=${fleet.slice(0, -1)}_`)).toEqual([]);
		expect(await ids(`orderId=${fleet}`)).toEqual([]);
	});

	it("by when they were placed: from (inclusive) to before (exclusive)", async () => {
		const prefix = newOrderId("placed");
		const orderIds = [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`];
		await placeDeclined(orderIds);
		const listed = (await list(`/orders?orderIdPrefix=${prefix}`)).orders;
		const at = (orderId: string) => listed.find((o) => o.orderId === orderId)?.createdAt ?? "";
		const first = at(`${prefix}-1`);
		const third = at(`${prefix}-3`);
		expect(await ids(`orderIdPrefix=${prefix}&createdAfter=${first}&createdBefore=${third}`)).toEqual(
			orderIds.slice(0, 2),
		);
		expect(await ids(`orderIdPrefix=${prefix}&createdAfter=${third}`)).toEqual([`${prefix}-3`]);
		expect(await ids(`orderIdPrefix=${prefix}&createdBefore=${first}`)).toEqual([]);
	});

	it("refuses a filter it does not know with a 400 problem, on every list and on the bulk redrive", async () => {
		for (const [method, path] of [
			["GET", "/orders?orderid=x"],
			["GET", "/orders?status=waiting&since=yesterday"],
			["GET", "/dead-letters?order=x"],
			["POST", "/orders/retry?dryRun=true&failureCode=x"],
		] as const) {
			const response = await api(path, {
				key: OPERATOR_KEY,
				method,
				...(method === "POST" ? { body: { reason: "a typo must not widen a redrive" } } : {}),
			});
			expect(response.status, path).toBe(400);
			expect(response.headers.get("Content-Type")).toBe("application/problem+json");
			const problem = await response.json<{ errors: { in: string; message: string }[] }>();
			expect(problem.errors[0]).toMatchObject({ in: "query" });
			expect(problem.errors[0]?.message).toMatch(/unrecognized key/i);
		}
		expect((await api("/orders?orderIdPrefix=a%25", { key: OPERATOR_KEY })).status).toBe(400);
		expect((await api("/orders?createdAfter=yesterday", { key: OPERATOR_KEY })).status).toBe(400);
	});

	it("dead letters by their order's id, exactly or by how it starts", async () => {
		const orderId = await placeFailedRefund("dl-find");
		const deadLetters = async (query: string) =>
			(await api(`/dead-letters?${query}`, { key: OPERATOR_KEY })).json<{ deadLetters: { orderId: string }[] }>();
		const found = await eventually(
			() => deadLetters(`orderIdPrefix=${orderId.slice(0, -2)}`),
			(page) => page.deadLetters.length > 0,
		);
		expect(found.deadLetters.map((d) => d.orderId)).toEqual([orderId]);
		expect((await deadLetters(`orderId=${orderId}`)).deadLetters).toHaveLength(1);
		expect((await deadLetters(`orderId=${orderId}x`)).deadLetters).toHaveLength(0);
	});
});
