import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Alert } from "../../src/ops/messages";
import { d1Rows, ledger, newOrderId, requestsFor } from "../helpers";

async function deliver(alert: Alert, id: string, queue = "order-alerts") {
	const batch = createMessageBatch(queue, [{ id, timestamp: new Date(), attempts: 1, body: alert }]);
	const ctx = createExecutionContext();
	await worker.queue?.(batch, env, ctx);
	return getQueueResult(batch, ctx);
}

const reminder = (orderId: string): Alert => ({
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
});

describe("one alert delivered twice at once", () => {
	it("is posted to the webhook once: the first delivery claims it, the second waits and finds it delivered", async () => {
		const orderId = newOrderId("alert-twice");
		const alert = reminder(orderId);
		const [first, second] = await Promise.all([deliver(alert, "a"), deliver(alert, "b")]);
		// One posted it; the other found it claimed and asked for a retry, which then finds it delivered.
		expect([...first.explicitAcks, ...second.explicitAcks]).toHaveLength(1);
		expect((await deliver(alert, "c")).explicitAcks).toEqual(["c"]);
		expect(requestsFor(await ledger(orderId), "alert")).toHaveLength(1);
		expect(await d1Rows("alerts", orderId)).toMatchObject([{ status: "delivered" }]);
	});
});

describe("a copy of a delivered alert that ran out of retries", () => {
	it("lands in the alerts DLQ, and the alert stays delivered: undeliverable never overwrites it", async () => {
		const orderId = newOrderId("alert-dlq");
		const alert = reminder(orderId);
		expect((await deliver(alert, "a")).explicitAcks).toEqual(["a"]);
		// Another copy of the same message failed through all its retries meanwhile (a claim it could not take).
		expect((await deliver(alert, "b", "order-alerts-dlq")).explicitAcks).toEqual(["b"]);
		expect(await d1Rows("alerts", orderId)).toMatchObject([{ status: "delivered", last_error: null }]);
		expect(requestsFor(await ledger(orderId), "alert")).toHaveLength(1);
	});
});
