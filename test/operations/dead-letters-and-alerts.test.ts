import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Notification } from "../../src/engine/outbox";
import worker from "../../src/index";
import {
	api,
	crashAt,
	d1Rows,
	eventually,
	injectFault,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	outOfStockOrder,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

async function refundFailsForGood(label: string) {
	const orderId = newOrderId(label);
	await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 500, times: 5 });
	return orderId;
}

const alertsOf = async (orderId: string) => (await ledger(orderId)).alerts;

describe("dead letters and alerts", () => {
	it("a refund that fails for good after out-of-stock opens one dead letter and raises one alert", async () => {
		const orderId = await refundFailsForGood("dl-refund");
		await placeOrder(outOfStockOrder(orderId));
		expect((await settle(orderId)).status).toBe("needs_attention");

		const [deadLetter] = await eventually(
			async () => (await d1Rows("dead_letters", orderId)) as { status: string; step: string; code: string }[],
			(rows) => rows.length > 0,
		);
		expect(deadLetter).toMatchObject({
			status: "open",
			step: "charge-payment:undo",
			code: "downstream_error",
			attempts: 5,
		});
		// The sandbox's own code is not one the business knows: operators read it, bounded, in the message.
		expect(deadLetter).toMatchObject({ message: expect.stringContaining("(its code: fault_injected)") });

		const alerts = await eventually(
			() => alertsOf(orderId),
			(a) => a.length > 0,
		);
		expect(alerts).toHaveLength(1);
		const body = alerts[0]?.data as { text: string; blocks: unknown[]; alert: { link: string; attempts: number } };
		expect(body.text).toContain(orderId);
		expect(body.blocks.length).toBeGreaterThan(0);
		// The link opens the order's page in the console: a browser sends no key, so the API would answer 401.
		expect(body.alert).toMatchObject({ link: `https://orders.test/ops/orders/default/${orderId}`, attempts: 5 });

		const listed = await api(`/dead-letters?orderId=${orderId}`, { key: OPERATOR_KEY });
		expect(listed.status).toBe(200);
		expect((await listed.json<{ deadLetters: { orderId: string }[] }>()).deadLetters).toHaveLength(1);
	});

	it("exactly one dead letter and one alert when the object crashes right after the transition", async () => {
		const orderId = await refundFailsForGood("dl-crash");
		await crashAt(
			orderId,
			(p) =>
				p.at === "committed" && p.entries.some((e) => e.type === "workflow_finished" && e.status === "needs_attention"),
		);
		await placeOrder(outOfStockOrder(orderId));
		expect((await settle(orderId)).status).toBe("needs_attention");
		await eventually(
			() => alertsOf(orderId),
			(a) => a.length > 0,
		);
		await settle(orderId, () => true); // any redelivery the crash caused has had its chance
		await scheduler.wait(200);
		expect(await d1Rows("dead_letters", orderId)).toHaveLength(1);
		expect(await alertsOf(orderId)).toHaveLength(1);
	});

	it("a redelivered dead-letter message adds nothing: one dead letter, one alert", async () => {
		const orderId = await refundFailsForGood("dl-redeliver");
		await placeOrder(outOfStockOrder(orderId));
		await settle(orderId);
		await eventually(
			() => alertsOf(orderId),
			(a) => a.length > 0,
		);
		const [row] = (await d1Rows("dead_letters", orderId)) as { id: string; created_at: number }[];
		const notification: Notification = {
			kind: "needs_attention",
			id: row?.id ?? "",
			workflowId: orderId,
			at: row?.created_at ?? 0,
			episode: {
				id: row?.id ?? "",
				failure: { step: "charge-payment:undo", code: "downstream_error", message: "redelivered" },
				attempts: 5,
				openedAt: row?.created_at ?? 0,
				closed: null,
			},
		};
		for (let i = 0; i < 2; i++) {
			const batch = createMessageBatch("order-dead-letters", [
				{ id: `m${i}`, timestamp: new Date(), attempts: 2, body: notification },
			]);
			const ctx = createExecutionContext();
			await worker.queue?.(batch, env, ctx);
			expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`m${i}`]);
		}
		await scheduler.wait(200);
		expect(await d1Rows("dead_letters", orderId)).toHaveLength(1);
		expect(await alertsOf(orderId)).toHaveLength(1);
	});

	it("an alert webhook that keeps failing is retried, then lands in the alert dead-letter queue", async () => {
		const orderId = await refundFailsForGood("dl-webhook-down");
		await injectFault({ service: "alerts", operation: "alert", orderId, fault: "error", status: 503, times: 100 });
		await placeOrder(outOfStockOrder(orderId));
		await settle(orderId);
		const [alert] = await eventually(
			async () => (await d1Rows("alerts", orderId)) as { status: string }[],
			(rows) => rows[0]?.status === "undeliverable",
		);
		expect(alert).toMatchObject({ status: "undeliverable", kind: "needs_attention" });
		// The first delivery and the queue's two retries (test setting), each refused by the sink.
		expect(requestsFor(await ledger(orderId), "alert")).toHaveLength(3);
		expect(await alertsOf(orderId)).toHaveLength(0);
	});
});
