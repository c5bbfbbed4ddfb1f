import { z } from "zod";
import type { Episode } from "../engine/outbox";
import { isoTime } from "../engine/time";
import { conditions, type Position, page } from "./cursor";
import type { Addressed } from "./messages";

export const DeadLetterStatus = z.enum(["open", "closed"]);

/** A dead letter as operators read it; the API documents it with the order id's own schema. */
export const DeadLetter = z.object({
	id: z.string(),
	tenant: z.string(),
	orderId: z.string(),
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
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/**
 * Stores a needs-attention episode as its dead letter, whatever order its messages arrive in and
 * however often: the first write creates it (open or already closed), a close closes it, and a late
 * open never reopens a closed one.
 */
export async function storeEpisode(db: D1Database, order: Addressed, episode: Episode): Promise<void> {
	const { id, failure, attempts, openedAt, closed } = episode;
	await db
		.prepare(
			`INSERT INTO dead_letters (id, tenant, order_id, step, code, message, attempts, created_at, status, closed_at, closed_by, closed_action, closed_reason)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (id) DO UPDATE SET status = excluded.status, closed_at = excluded.closed_at,
			   closed_by = excluded.closed_by, closed_action = excluded.closed_action, closed_reason = excluded.closed_reason
			 WHERE excluded.status = 'closed' AND dead_letters.status = 'open'`,
		)
		.bind(
			id,
			order.tenant,
			order.orderId,
			failure.step,
			failure.code,
			failure.message,
			attempts,
			openedAt,
			closed ? "closed" : "open",
			closed?.at ?? null,
			closed?.actor ?? null,
			closed?.action ?? null,
			closed?.reason ?? null,
		)
		.run();
}

const Row = z.object({
	id: z.string(),
	tenant: z.string(),
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
	filter: {
		status: z.infer<typeof DeadLetterStatus>;
		tenant?: string;
		orderId?: string;
		orderIdPrefix?: string;
		limit: number;
		after?: Position;
	},
) {
	const q = conditions();
	q.add("status = ?", filter.status);
	if (filter.tenant) q.add("tenant = ?", filter.tenant);
	if (filter.orderId) q.add("order_id = ?", filter.orderId);
	if (filter.orderIdPrefix) q.prefix("order_id", filter.orderIdPrefix);
	if (filter.after) q.add("(created_at, id) < (?, ?)", ...filter.after);
	const { results } = await db
		.prepare(`SELECT * FROM dead_letters ${q.where()} ORDER BY created_at DESC, id DESC LIMIT ?`)
		.bind(...q.values, filter.limit + 1)
		.all();
	const rows = z.array(Row).parse(results);
	const { items, nextCursor } = page(rows, filter.limit, (r) => [r.created_at, r.id]);
	const deadLetters: DeadLetter[] = items.map((r) => ({
		id: r.id,
		tenant: r.tenant,
		orderId: r.order_id,
		step: r.step,
		code: r.code,
		message: r.message,
		attempts: r.attempts,
		status: r.status,
		createdAt: isoTime(r.created_at),
		closed:
			r.closed_at === null
				? null
				: {
						at: isoTime(r.closed_at),
						by: r.closed_by ?? "",
						action: r.closed_action ?? "",
						reason: r.closed_reason ?? "",
					},
	}));
	return { deadLetters, nextCursor };
}
