import { describe, expect, it } from "vitest";
import { api, eventually, getHistory, newOrderId, OPERATOR_KEY, orderBody, placeOrder, settle } from "../helpers";

describe("what runs on which workflow version", () => {
	it("shows the version in the status, the history and the index, and counts orders per version", async () => {
		const orderId = newOrderId("version");
		await placeOrder(orderBody(orderId));
		expect(await settle(orderId)).toMatchObject({ status: "waiting", workflowVersion: 2 });
		expect((await getHistory(orderId))[0]).toMatchObject({ type: "workflow_started", version: 2 });

		const listed = await eventually(
			async () =>
				(await api("/orders?workflowVersion=2&status=waiting&limit=200", { key: OPERATOR_KEY })).json<{
					orders: { orderId: string; workflowVersion: number }[];
				}>(),
			(page) => page.orders.some((o) => o.orderId === orderId),
		);
		expect(listed.orders.every((o) => o.workflowVersion === 2)).toBe(true);
		const none = await (await api("/orders?workflowVersion=3", { key: OPERATOR_KEY })).json<{ orders: unknown[] }>();
		expect(none.orders).toEqual([]);

		const counts = await (await api("/workflow-versions", { key: OPERATOR_KEY })).json<{
			current: number;
			versions: { workflowVersion: number; statuses: Record<string, number> }[];
		}>();
		expect(counts.current).toBe(2);
		expect(counts.versions.find((v) => v.workflowVersion === 2)?.statuses.waiting).toBeGreaterThanOrEqual(1);
		expect((await api("/workflow-versions")).status).toBe(403);
	});
});
