import { describe, expect, it } from "vitest";
import { act, api, newOrderId, OPERATOR_KEY, orderBody, placeOrder, settle } from "../helpers";

interface Doc {
	servers?: { url: string }[];
	paths: Record<
		string,
		Record<string, { operationId?: string; security?: unknown[]; responses: Record<string, { headers?: object }> }>
	>;
	components: {
		schemas: Record<string, { properties?: Record<string, { properties?: Record<string, { pattern?: string }> }> }>;
	};
}
const served = async () => (await api("/openapi.json", { key: null })).json<Doc>();

describe("the published OpenAPI document is the server's contract", () => {
	it("names a server, an operationId for every operation, the callback's lack of security, the 202's Location", async () => {
		const doc = await served();
		expect(doc.servers?.length).toBeGreaterThan(0);
		const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
		expect(operations.length).toBe(19);
		expect(new Set(operations.map((o) => o.operationId)).size).toBe(19);
		expect(doc.paths["/orders/{orderId}/events/warehouse-picked"]?.post?.security).toEqual([]);
		expect(doc.paths["/orders/{orderId}/events/warehouse-cannot-pick"]?.post?.security).toEqual([]);
		expect(doc.paths["/orders"]?.post?.responses["202"]?.headers).toHaveProperty("Location");
		expect(doc.paths["/orders"]?.post?.responses["429"]?.headers).toHaveProperty("Retry-After");
	});

	it.each([
		["0@com", 400],
		["ada@localhost", 400],
		["ada@ex-.com", 400],
		["ada@example.com", 202],
		["o'brien+orders@mail.example.co.uk", 202],
	])("judges the email %s as the document's pattern does", async (email, status) => {
		const doc = await served();
		const pattern = doc.components.schemas.Order?.properties?.customer?.properties?.email?.pattern ?? "";
		expect(new RegExp(pattern).test(email)).toBe(status === 202);
		const order = orderBody(newOrderId("email"));
		order.customer.email = email;
		expect((await placeOrder(order)).status).toBe(status);
	});

	it("refuses an unknown nested field as it refuses an unknown top-level one", async () => {
		const order = orderBody(newOrderId("nested"));
		const body = { ...order, shippingAddress: { ...order.shippingAddress, line_2: "Flat 3" } };
		const response = await api("/orders", { method: "POST", body });
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({
			detail: "The request is not valid; see errors.",
			errors: [{ in: "body", path: "shippingAddress" }],
		});
	});

	it("refuses a blank reason, as the document's pattern says, with the one wording of an invalid request", async () => {
		const orderId = newOrderId("blank-reason");
		await placeOrder(orderBody(orderId));
		await settle(orderId);
		for (const reason of ["\n", "   "]) {
			const response = await act(orderId, "cancel", { reason, key: OPERATOR_KEY });
			expect(response.status).toBe(400);
			expect(await response.json()).toMatchObject({
				detail: "The request is not valid; see errors.",
				errors: [{ in: "body", path: "reason" }],
			});
		}
		const badPath = await api("/orders/has%20space");
		expect(await badPath.json()).toMatchObject({
			detail: "The request is not valid; see errors.",
			errors: [{ in: "path" }],
		});
		const badQuery = await api("/orders?limit=0", { key: OPERATOR_KEY });
		expect(await badQuery.json()).toMatchObject({
			detail: "The request is not valid; see errors.",
			errors: [{ in: "query" }],
		});
	});

	it("shows every time as ISO 8601, in the status and in the history alike", async () => {
		const orderId = newOrderId("times");
		await placeOrder(orderBody(orderId));
		await settle(orderId);
		const history = await (await api(`/orders/${orderId}/history`)).json<{ events: Record<string, unknown>[] }>();
		const times = history.events.flatMap((e) =>
			["at", "timeoutAt", "stuckAt", "retryAt", "since", "deadline", "remindAt"].flatMap((k) => (k in e ? [e[k]] : [])),
		);
		expect(times.length).toBeGreaterThan(5);
		for (const t of times) if (t !== null) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	});
});
