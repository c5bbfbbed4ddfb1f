import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Alert } from "../../src/ops/messages";
import { d1Rows, ledger, newOrderId, requestsFor } from "../helpers";

async function deliver(alert: Alert, id: string) {
	const batch = createMessageBatch("order-alerts", [{ id, timestamp: new Date(), attempts: 1, body: alert }]);
	const ctx = createExecutionContext();
	await worker.queue?.(batch, env, ctx);
	return getQueueResult(batch, ctx);
}

describe("one alert delivered twice at once", () => {
	it("is posted to the webhook once: the first delivery claims it, the second waits and finds it delivered", async () => {
		const orderId = newOrderId("alert-twice");
		const alert: Alert = {
			id: `${orderId}:7`,
			kind: "reminder",
			tenant: "default",
			orderId,
			workflowId: orderId,
			step: "warehouse-picked",
			title: `Order ${orderId}: still waiting`,
			error: null,
			attempts: null,
			at: Date.now(),
		};
		const [first, second] = await Promise.all([deliver(alert, "a"), deliver(alert, "b")]);
		// One posted it; the other found it claimed and asked for a retry, which then finds it delivered.
		expect([...first.explicitAcks, ...second.explicitAcks]).toHaveLength(1);
		expect((await deliver(alert, "c")).explicitAcks).toEqual(["c"]);
		expect(requestsFor(await ledger(orderId), "alert")).toHaveLength(1);
		expect(await d1Rows("alerts", orderId)).toMatchObject([{ status: "delivered" }]);
	});
});
