import type { z } from "zod";
import { withinMs } from "../engine/time";
import { postAlert } from "./alerts";
import { opsConfig } from "./config";
import { storeEpisode } from "./dead-letters";
import { Alert, alertFor, DeadLetterMessage, IndexRow } from "./messages";
import { upsertIndexRows } from "./order-index";
import { platform } from "./platform";

/** The queues this Worker consumes, by name as in wrangler.jsonc. */
export const QUEUES = {
	deadLetters: "order-dead-letters",
	/** Dead letters D1 would not take through all their retries: handled the same way, with retries of their own. */
	deadLettersRetry: "order-dead-letters-dlq",
	alerts: "order-alerts",
	undeliverableAlerts: "order-alerts-dlq",
	index: "order-index",
	indexRetry: "order-index-dlq",
} as const;

/** How long a claimed alert is left to the delivery that claimed it, in ms (its webhook's time limit, and some). */
const ALERT_CLAIM_MS = 15_000;

/** The Worker's `queue()` handler. Every message is acknowledged or retried on its own. */
export async function consume(batch: MessageBatch, env: Env): Promise<void> {
	// A hung D1 call must not hold the batch: each message's handling has a time limit.
	const limit = <T>(work: Promise<T>) => withinMs(work, opsConfig(env).consumerTimeoutMs, batch.queue);
	switch (batch.queue) {
		case QUEUES.deadLetters:
		case QUEUES.deadLettersRetry:
			return each(batch, DeadLetterMessage, (n) => limit(deadLetter(env, n)));
		case QUEUES.alerts:
			return each(batch, Alert, (alert) => limit(deliverAlert(env, alert)));
		case QUEUES.undeliverableAlerts:
			return each(batch, Alert, (alert) =>
				limit(recordAlert(db(env, alert.workflowId), alert, "undeliverable", "retries exhausted", now(alert))),
			);
		case QUEUES.index:
		case QUEUES.indexRetry:
			return indexRows(batch, env, limit);
		default:
			console.error(`no consumer for queue ${batch.queue}; retrying its messages`);
			batch.retryAll();
	}
}

const db = (env: Env, ...orderIds: string[]) => platform.database(env.DB, orderIds);

/** The time, for the order (or the breaker) an alert is about: claims expire and deliveries are stamped by it. */
const now = (alert: Alert) => platform.now(alert.workflowId || breakerOf(alert));
/** A breaker's alert names no order; its id does name the breaker: `breaker:<name>:<episode>:<kind>`. */
const breakerOf = (alert: Alert) => alert.id.split(":")[1] ?? "";

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

/** Stores the episode (opened or closed, in whatever order they come); an opening also raises its alert. */
async function deadLetter(env: Env, n: z.infer<typeof DeadLetterMessage>): Promise<void> {
	if (n.kind !== "needs_attention" && n.kind !== "attention_closed") return;
	await storeEpisode(db(env, n.workflowId), n, n.episode);
	// The alert goes its own way, with its own retries; its id makes a repeat harmless.
	const alert = alertFor(n, n);
	if (alert) await platform.queue(env.ALERTS, n.workflowId).send(alert);
}

/**
 * Posts an alert once. The delivery first claims the alert's row, so two deliveries of the same
 * message at once post it once; a claim older than the webhook's time limit may be taken over.
 */
async function deliverAlert(env: Env, alert: Alert): Promise<void> {
	const database = db(env, alert.workflowId);
	const at = now(alert);
	const claimed = await database
		.prepare(
			`INSERT INTO alerts (id, tenant, order_id, kind, status, created_at, claimed_at) VALUES (?, ?, ?, ?, 'sending', ?, ?)
			 ON CONFLICT (id) DO UPDATE SET status = 'sending', claimed_at = excluded.claimed_at
			 WHERE alerts.status != 'delivered' AND (alerts.status != 'sending' OR alerts.claimed_at < ?)
			 RETURNING id`,
		)
		.bind(alert.id, alert.tenant, alert.orderId, alert.kind, alert.at, at, at - ALERT_CLAIM_MS)
		.first();
	if (!claimed) {
		const row = await database
			.prepare("SELECT status FROM alerts WHERE id = ?")
			.bind(alert.id)
			.first<{ status: string }>();
		if (row?.status === "delivered") return;
		throw new Error(`alert ${alert.id} is being delivered by another consumer`);
	}
	try {
		const { alertWebhookUrl, publicBaseUrl } = opsConfig(env);
		await postAlert(alertWebhookUrl, alert, publicBaseUrl);
	} catch (error) {
		await recordAlert(database, alert, "retrying", String(error), now(alert));
		throw error;
	}
	await recordAlert(database, alert, "delivered", null, now(alert));
}

/** Records how an alert's delivery went; an alert once delivered stays delivered, whatever a late copy of it says. */
async function recordAlert(
	database: D1Database,
	alert: Alert,
	status: string,
	error: string | null,
	at: number,
): Promise<void> {
	await database
		.prepare(
			`INSERT INTO alerts (id, tenant, order_id, kind, status, created_at, delivered_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (id) DO UPDATE SET status = excluded.status, delivered_at = excluded.delivered_at, last_error = excluded.last_error
			 WHERE alerts.status != 'delivered'`,
		)
		.bind(
			alert.id,
			alert.tenant,
			alert.orderId,
			alert.kind,
			status,
			alert.at,
			status === "delivered" ? at : null,
			error,
		)
		.run();
}

/** Index rows are written in one D1 batch; only the newest version of each order survives. */
async function indexRows(batch: MessageBatch, env: Env, limit: <T>(work: Promise<T>) => Promise<T>): Promise<void> {
	const rows = batch.messages.flatMap((m) => {
		const parsed = IndexRow.safeParse(m.body);
		if (!parsed.success) console.error(`dropping malformed index message ${m.id}`, parsed.error.issues);
		return parsed.success ? [parsed.data] : [];
	});
	try {
		await limit(upsertIndexRows(db(env, ...rows.map((r) => r.workflowId)), rows));
		batch.ackAll();
	} catch (error) {
		console.warn("index write failed; retrying the batch", error);
		batch.retryAll();
	}
}
