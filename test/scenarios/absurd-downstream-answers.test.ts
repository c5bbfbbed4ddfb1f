import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH } from "../../src/engine/errors";
import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import { api, getHistory, injectFault, newOrderId, orderBody, placeOrder, settle } from "../helpers";

describe("a downstream answers with values out of any sensible range", () => {
	it("a Retry-After of 10^13 seconds: capped at the policy's maximum, and the status still reads", async () => {
		const orderId = newOrderId("retry-after-huge");
		await injectFault({
			service: "payments",
			operation: "charge",
			orderId,
			fault: "error",
			status: 503,
			retryAfterSeconds: 10_000_000_000_000,
		});
		await placeOrder(orderBody(orderId));
		const retrying = await settle(orderId, (s) => s.steps[0]?.status === "retrying");
		const wait = Date.parse(retrying.steps[0]?.nextAttemptAt ?? "") - Date.parse(retrying.updatedAt);
		expect(wait).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxRetryAfterMs);
		expect((await api(`/orders/${orderId}/history`)).status).toBe(200);
		expect((await settle(orderId)).status).toBe("waiting");
	});

	it("an error message of megabytes: the journal keeps a bounded excerpt, and the order goes on", async () => {
		const orderId = newOrderId("huge-message");
		const message = "x".repeat(3 * 1024 * 1024);
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 400, message });
		const placed = await placeOrder(orderBody(orderId));
		expect(placed.status).toBe(202);
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "compensated", failure: { step: "charge-payment" } });
		expect(status.failure?.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
		const failed = (await getHistory(orderId)).find((e) => e.type === "step_failed");
		expect(JSON.stringify(failed).length).toBeLessThan(2 * MAX_MESSAGE_LENGTH);
	});
});
