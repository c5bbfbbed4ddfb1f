import { z } from "zod";
import type { Notification } from "../engine/outbox";
import { OrderId } from "../order/order";
import { type Position, page } from "./cursor";

export const DeadLetterStatus = z.enum(["open", "closed"]);

export const DeadLetter = z
	.object({
		id: z.string(),
		orderId: OrderId,
		step: z.string(),
		code: z.string(),
		message: z.string(),
		attempts: z.int(),
		status: DeadLetterStatus,
		createdAt: z.iso.datetime(),
		closed: z
			.object({ at: z.iso.datetime(), by: z.string(), action: z.string(), reason: z.string() })
			.nullable()
			.describe("Who closed the episode, how (retry or resolve) and why"),
	})
	.meta({ id: "DeadLetter" });
export type DeadLetter = z.infer<typeof DeadLetter>;

type Opened = Extract<Notification, { kind: "needs_attention" }>;
type Closed = Extract<Notification, { kind: "attention_closed" }>;

/** Stores an episode once, whatever the redeliveries. */
export async function openDeadLetter(db: D1Database, n: Opened): Promise<void> {
	await db
		.prepare(
			`INSERT INTO dead_letters (id, order_id, step, code, message, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (id) DO NOTHING`,
		)
		.bind(n.id, n.workflowId, n.failure.step, n.failure.code, n.failure.message, n.attempts, n.at)
		.run();
}

/** False when the episode is not stored yet (the close overtook the open): the caller retries later. */
export async function closeDeadLetter(db: D1Database, n: Closed): Promise<boolean> {
	await db
		.prepare(
			`UPDATE dead_letters SET status = 'closed', closed_at = ?, closed_by = ?, closed_action = ?, closed_reason = ?
			 WHERE id = ? AND status = 'open'`,
		)
		.bind(n.at, n.actor, n.action, n.reason, n.episode)
		.run();
	const row = await db.prepare("SELECT 1 AS found FROM dead_letters WHERE id = ?").bind(n.episode).first();
	return row !== null;
}

const Row = z.object({
	id: z.string(),
	order_id: z.string(),
	step: z.string(),
	code: z.string(),
	message: z.string(),
	attempts: z.number(),
	status: DeadLetterStatus,
	created_at: z.number(),
	closed_at: z.number().nullable(),
	closed_by: z.string().nullable(),
	closed_action: z.string().nullable(),
	closed_reason: z.string().nullable(),
});

export async function listDeadLetters(
	db: D1Database,
	filter: { status: z.infer<typeof DeadLetterStatus>; orderId?: string; limit: number; after?: Position },
) {
	const after = filter.after ? "AND (created_at, id) < (?, ?)" : "";
	const byOrder = filter.orderId ? "AND order_id = ?" : "";
	const { results } = await db
		.prepare(
			`SELECT * FROM dead_letters WHERE status = ? ${byOrder} ${after} ORDER BY created_at DESC, id DESC LIMIT ?`,
		)
		.bind(filter.status, ...(filter.orderId ? [filter.orderId] : []), ...(filter.after ?? []), filter.limit + 1)
		.all();
	const rows = z.array(Row).parse(results);
	const { items, nextCursor } = page(rows, filter.limit, (r) => [r.created_at, r.id]);
	const deadLetters: DeadLetter[] = items.map((r) => ({
		id: r.id,
		orderId: r.order_id,
		step: r.step,
		code: r.code,
		message: r.message,
		attempts: r.attempts,
		status: r.status,
		createdAt: new Date(r.created_at).toISOString(),
		closed:
			r.closed_at === null
				? null
				: {
						at: new Date(r.closed_at).toISOString(),
						by: r.closed_by ?? "",
						action: r.closed_action ?? "",
						reason: r.closed_reason ?? "",
					},
	}));
	return { deadLetters, nextCursor };
}
