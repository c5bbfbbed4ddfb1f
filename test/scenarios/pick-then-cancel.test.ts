import { describe, expect, it } from "vitest";
import {
	API_KEY,
	act,
	confirmPick,
	effectCounts,
	eventually,
	getHistory,
	injectFault,
	newOrderId,
	orderBody,
	placeOrder,
	settle,
	shipmentToken,
} from "../helpers";

async function pickedWhileShipping(orderId: string) {
	await placeOrder(orderBody(orderId));
	// The sandbox has booked the shipment, so the warehouse has its token; the order has not recorded the answer.
	const token = await eventually(
		() => shipmentToken(orderId),
		(t) => t !== null,
	);
	const pick = await confirmPick(orderId, token ?? "");
	expect(pick.status).toBe(202);
	const cancel = await act(orderId, "cancel", { key: API_KEY, reason: "changed my mind" });
	expect(cancel.status).toBe(409);
	expect(await cancel.json()).toMatchObject({ type: "/problems/action-not-allowed" });
}

describe("a pick accepted before the order reaches its wait", () => {
	it("while the shipment's answer is still on its way: a cancel is refused and the order completes", async () => {
		const orderId = newOrderId("pick-in-flight");
		await injectFault({ service: "shipping", operation: "ship", orderId, fault: "latency", latencyMs: 150 });
		await pickedWhileShipping(orderId);
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "completed", needsAttention: false });
		expect(await effectCounts(orderId)).toMatchObject({
			shipments: 1,
			shipmentCancellations: 0,
			refunds: 0,
			emails: 1,
		});
	});

	it("while shipping is retrying after an answer that was lost: a cancel is refused and the order completes", async () => {
		const orderId = newOrderId("pick-retrying");
		await injectFault({ service: "shipping", operation: "ship", orderId, fault: "error_after", status: 503 });
		await pickedWhileShipping(orderId);
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "completed", needsAttention: false });
		expect(await effectCounts(orderId)).toMatchObject({
			shipments: 1,
			shipmentCancellations: 0,
			refunds: 0,
			emails: 1,
		});
		// The commitment is in the journal with the pick that made it, before the cancel was refused.
		const types = (await getHistory(orderId)).map((e) => e.type);
		expect(types.indexOf("point_of_no_return")).toBe(types.indexOf("event_received") + 1);
		expect(types).not.toContain("operator_action");
	});
});
