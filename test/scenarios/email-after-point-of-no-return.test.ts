import { describe, expect, it } from "vitest";
import { confirmPick, effectCounts, injectFault, newOrderId, orderBody, placeUntilPick, settle } from "../helpers";

describe("the confirmation email fails for good, after the point of no return", () => {
	it("keeps the order completed, records the failure for a human, and refunds nothing", async () => {
		const orderId = newOrderId("email-bounces");
		await injectFault({ service: "email", operation: "send", orderId, fault: "error", status: 503, times: 100 });
		await confirmPick(orderId, await placeUntilPick(orderBody(orderId)));
		const status = await settle(orderId);
		expect(status).toMatchObject({
			status: "completed",
			needsAttention: true,
			failure: { step: "send-confirmation", code: "downstream_error" },
		});
		expect(status.steps.find((s) => s.name === "send-confirmation")).toMatchObject({ status: "failed", attempts: 5 });
		expect(await effectCounts(orderId)).toMatchObject({
			charges: 1,
			refunds: 0,
			releases: 0,
			shipmentCancellations: 0,
			emails: 0,
		});
	});

	it("a refused email (4xx) is not retried, and still refunds nothing", async () => {
		const orderId = newOrderId("email-refused");
		await injectFault({ service: "email", operation: "send", orderId, fault: "error", status: 400 });
		await confirmPick(orderId, await placeUntilPick(orderBody(orderId)));
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "completed", needsAttention: true });
		expect(status.steps.find((s) => s.name === "send-confirmation")?.attempts).toBe(1);
		expect(await effectCounts(orderId)).toMatchObject({ refunds: 0 });
	});
});
