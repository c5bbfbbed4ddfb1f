import { describe, expect, it } from "vitest";
import { getStatus, injectFault, ledger, newOrderId, orderBody, placeOrder, settle } from "../helpers";

describe("polling while a downstream call hangs", () => {
	it("answers while the charge is still in flight", async () => {
		const orderId = newOrderId("busy");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "timeout_before" });
		await placeOrder(orderBody(orderId));
		// Wait until the sandbox holds the charge request, then read: the read must not wait for it.
		while ((await ledger(orderId)).requests.length === 0) await scheduler.wait(5);
		const status = await getStatus(orderId);
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", status: "running", attempts: 1 });
		expect(status.currentStep).toBe("charge-payment");
		expect((await settle(orderId)).status).toBe("waiting");
	});
});
