import type { z } from "zod";
import { Notification } from "../engine/outbox";
import { postAlert } from "./alerts";
import { closeDeadLetter, openDeadLetter } from "./dead-letters";
import { Alert, alertFor, IndexRow } from "./messages";
import { upsertIndexRows } from "./order-index";

/** The queues this Worker consumes, by name as in wrangler.jsonc. */
export const QUEUES = {
	deadLetters: "order-dead-letters",
	alerts: "order-alerts",
	undeliverableAlerts: "order-alerts-dlq",
	index: "order-index",
} as const;

/** The Worker's `queue()` handler. Every message is acknowledged or retried on its own. */
export async function consume(batch: MessageBatch, env: Env): Promise<void> {
	switch (batch.queue) {
		case QUEUES.deadLetters:
			return each(batch, Notification, (n) => deadLetter(env, n));
		case QUEUES.alerts:
			return each(batch, Alert, (alert) => deliverAlert(env, alert));
		case QUEUES.undeliverableAlerts:
			return each(batch, Alert, (alert) => recordAlert(env.DB, alert, "undeliverable", "retries exhausted"));
		case QUEUES.index:
			return indexRows(batch, env);
		default:
			console.error(`no consumer for queue ${batch.queue}; retrying its messages`);
			batch.retryAll();
	}
}

async function each<T>(batch: MessageBatch, schema: z.ZodType<T>, handle: (body: T) => Promise<void>) {
	for (const message of batch.messages) {
		const parsed = schema.safeParse(message.body);
		if (!parsed.success) {
			// A malformed message can never succeed: log it and drop it rather than retry it forever.
			console.error(`dropping malformed message ${message.id} on ${batch.queue}`, parsed.error.issues);
			message.ack();
			continue;
		}
		try {
			await handle(parsed.data);
			message.ack();
		} catch (error) {
			console.warn(`message ${message.id} on ${batch.queue} failed (attempt ${message.attempts}); retrying`, error);
			message.retry();
		}
	}
}

async function deadLetter(env: Env, n: Notification): Promise<void> {
	if (n.kind === "needs_attention") {
		await openDeadLetter(env.DB, n);
		// The alert goes its own way, with its own retries; its id makes a repeat harmless.
		const alert = alertFor(n);
		if (alert) await env.ALERTS.send(alert);
	} else if (n.kind === "attention_closed") {
		if (!(await closeDeadLetter(env.DB, n))) throw new Error(`dead letter ${n.episode} not stored yet`);
	}
}

async function deliverAlert(env: Env, alert: Alert): Promise<void> {
	const previous = await env.DB.prepare("SELECT status FROM alerts WHERE id = ?")
		.bind(alert.id)
		.first<{ status: string }>();
	if (previous?.status === "delivered") return;
	try {
		await postAlert(env.ALERT_WEBHOOK_URL, alert, env.PUBLIC_BASE_URL);
	} catch (error) {
		await recordAlert(env.DB, alert, "retrying", String(error));
		throw error;
	}
	await recordAlert(env.DB, alert, "delivered", null);
}

async function recordAlert(db: D1Database, alert: Alert, status: string, error: string | null): Promise<void> {
	await db
		.prepare(
			`INSERT INTO alerts (id, order_id, kind, status, created_at, delivered_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (id) DO UPDATE SET status = excluded.status, delivered_at = excluded.delivered_at, last_error = excluded.last_error`,
		)
		.bind(alert.id, alert.orderId, alert.kind, status, alert.at, status === "delivered" ? Date.now() : null, error)
		.run();
}

/** Index rows are written in one D1 batch; only the newest version of each order survives. */
async function indexRows(batch: MessageBatch, env: Env): Promise<void> {
	const rows = batch.messages.flatMap((m) => {
		const parsed = IndexRow.safeParse(m.body);
		if (!parsed.success) console.error(`dropping malformed index message ${m.id}`, parsed.error.issues);
		return parsed.success ? [parsed.data] : [];
	});
	try {
		await upsertIndexRows(env.DB, rows);
		batch.ackAll();
	} catch (error) {
		console.warn("index write failed; retrying the batch", error);
		batch.retryAll();
	}
}
