import {
	createExecutionContext,
	createMessageBatch,
	createScheduledController,
	getQueueResult,
	runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import worker from "../../src/index";
import type { DeadLetterMessage as Message } from "../../src/ops/messages";

type DeadLetterMessage = z.infer<typeof Message>;

import { SWEEP_GRACE_MS } from "../../src/ops/sweeper";
import { advanceClockTo, clockOf } from "../clock";
import {
	act,
	confirmPick,
	d1Rows,
	eventually,
	getStatus,
	injectFault,
	newOrderId,
	orderBody,
	orderStub,
	outOfStockOrder,
	placeOrder,
	placeUntilPick,
	settle,
} from "../helpers";
import { clearPlatformFaults, failDatabase, failQueue } from "../platform-faults";

type Row = Record<string, unknown>;

/** An out-of-stock order whose refund fails for good: it needs attention. */
async function needsAttention(label: string): Promise<string> {
	const orderId = newOrderId(label);
	await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 422 });
	await placeOrder(outOfStockOrder(orderId));
	expect((await settle(orderId)).status).toBe("needs_attention");
	return orderId;
}

const deadLetters = (orderId: string) => d1Rows("dead_letters", orderId) as Promise<Row[]>;

/** Delivers messages to the Worker's queue handler as the queue would; returns what it acked and retried. */
async function deliver(queue: string, bodies: DeadLetterMessage[]) {
	const batch = createMessageBatch(
		queue,
		bodies.map((body, i) => ({ id: `${queue}-${i}`, timestamp: new Date(), attempts: 1, body })),
	);
	const ctx = createExecutionContext();
	await worker.queue?.(batch, env, ctx);
	return getQueueResult(batch, ctx);
}

/** The Cron Trigger's sweep, at `now`. */
async function sweepAt(now: number) {
	const ctx = createExecutionContext();
	await worker.scheduled?.(createScheduledController({ scheduledTime: now, cron: "* * * * *" }), env, ctx);
}

describe("dead letters and the index under queue and D1 faults", () => {
	it("a D1 outage longer than all of the queue's retries loses no dead letter", async () => {
		const orderId = newOrderId("d1-outage");
		// More failures than order-dead-letters has retries (10): the message moves to its retry queue.
		failDatabase(orderId, "throw", 14);
		await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 422 });
		await placeOrder(outOfStockOrder(orderId));
		expect((await settle(orderId)).status).toBe("needs_attention");
		const rows = await eventually(
			() => deadLetters(orderId),
			(found) => found.length > 0,
		);
		expect(rows).toMatchObject([{ status: "open", step: "charge-payment:undo", code: "downstream_error" }]);
	});

	it("a close that overtakes its open still closes the dead letter, and the late open does not reopen it", async () => {
		const orderId = await needsAttention("close-first");
		await eventually(
			() => deadLetters(orderId),
			(found) => found.length === 1,
		);
		// Replay the episode's two messages to a fresh order id, the close first.
		const episodes = await runInDurableObject(orderStub(orderId), (instance) => [
			...instance.engine.state.episodes.values(),
		]);
		const episode = episodes[0];
		if (!episode) throw new Error("no episode");
		const other = newOrderId("close-first-replay");
		const closed = {
			...episode,
			id: `${other}:9`,
			closed: { at: 2, action: "resolve" as const, actor: "op", reason: "fixed" },
		};
		const base = { workflowId: other, tenant: "default", orderId: other, at: 1 } as const;
		const closing: DeadLetterMessage = {
			kind: "attention_closed",
			id: `${other}:10`,
			...base,
			episode: closed,
		} as const;
		const opening: DeadLetterMessage = {
			kind: "needs_attention",
			id: `${other}:9`,
			...base,
			episode: { ...closed, closed: null },
		} as const;
		expect((await deliver("order-dead-letters", [closing])).explicitAcks).toHaveLength(1);
		expect((await deliver("order-dead-letters", [opening])).explicitAcks).toHaveLength(1);
		expect(await deadLetters(other)).toMatchObject([{ status: "closed", closed_by: "op", closed_reason: "fixed" }]);
	});

	it("a finished order whose last index message was lost is put right by the sweeper", async () => {
		const orderId = newOrderId("index-lost");
		const token = await placeUntilPick(orderBody(orderId));
		const indexed = () => d1Rows("orders", orderId) as Promise<Row[]>;
		await eventually(indexed, (rows) => rows[0]?.status === "waiting");
		// D1 refuses every index write from here on: the queue, then its retry queue, give up on them.
		failDatabase(orderId, "throw", 10_000);
		expect((await confirmPick(orderId, token)).status).toBe(202);
		expect((await settle(orderId)).status).toBe("completed");
		await scheduler.wait(300);
		clearPlatformFaults(orderId);
		expect((await indexed())[0]?.status).toBe("waiting");

		// The stale row's due time (the reminder) has passed: the sweeper asks the object and writes what it says.
		const due = Number((await indexed())[0]?.due_at);
		await sweepAt(due + SWEEP_GRACE_MS + 1);
		expect(await indexed()).toMatchObject([{ status: "completed", due_at: null }]);
	});

	it("a stranded order, its due time long past and no alarm set, is nudged by the sweeper and moves on", async () => {
		const orderId = newOrderId("stranded");
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 429 });
		await placeOrder(orderBody(orderId));
		const retrying = await settle(orderId, (s) => s.steps[1]?.status === "retrying");
		await eventually(
			() => d1Rows("orders", orderId) as Promise<Row[]>,
			(rows) => rows[0]?.current_step === "reserve-inventory",
		);
		// Whatever lost it, the alarm is gone.
		await runInDurableObject(orderStub(orderId), (_, state) => state.storage.deleteAlarm());
		const due = Date.parse(retrying.steps[1]?.nextAttemptAt ?? "");
		advanceClockTo(orderId, due + SWEEP_GRACE_MS + 1);
		await sweepAt(clockOf(orderId));
		const status = await eventually(
			() => getStatus(orderId),
			(s) => s.status === "waiting",
		);
		expect(status.steps[1]).toMatchObject({ name: "reserve-inventory", status: "succeeded" });
	});

	it("an episode whose opening never reached D1 is stored, closed, by the close that follows it", async () => {
		const orderId = newOrderId("episode-lost");
		failQueue(orderId, "duplicate", 1);
		failDatabase(orderId, "throw", 10_000);
		await injectFault({ service: "payments", operation: "refund", orderId, fault: "error", status: 422 });
		await placeOrder(outOfStockOrder(orderId));
		expect((await settle(orderId)).status).toBe("needs_attention");
		await scheduler.wait(300);
		clearPlatformFaults(orderId);
		expect(await deadLetters(orderId)).toEqual([]);
		// The close carries the whole episode, so it needs nothing stored before it.
		await act(orderId, "resolve", { reason: "refunded by hand" });
		await eventually(
			() => deadLetters(orderId),
			(rows) => rows[0]?.status === "closed",
		);
	});
});
