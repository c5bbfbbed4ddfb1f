import { z } from "zod";
import { WorkflowStatus } from "../engine/state";
import { OrderId } from "../order/order";
import { type Position, page } from "./cursor";
import { IndexRow } from "./messages";

/** An index row as the API shows it: times as ISO 8601, no internal version. */
export const IndexedOrder = IndexRow.omit({ version: true })
	.extend({ orderId: OrderId, createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
	.meta({ id: "IndexedOrder" });
export type IndexedOrder = z.infer<typeof IndexedOrder>;

export interface OrderFilter {
	status?: string;
	step?: string;
	failure?: string;
	createdBefore?: number;
	limit: number;
	after?: Position;
}

/** Writes the rows in one batch; a row only replaces an older version of itself. */
export async function upsertIndexRows(db: D1Database, rows: IndexRow[]): Promise<void> {
	if (rows.length === 0) return;
	const statement = db.prepare(
		`INSERT INTO orders (id, status, current_step, failure_code, needs_attention, total_cents, currency, created_at, updated_at, version)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (id) DO UPDATE SET status = excluded.status, current_step = excluded.current_step,
		   failure_code = excluded.failure_code, needs_attention = excluded.needs_attention,
		   updated_at = excluded.updated_at, version = excluded.version
		 WHERE excluded.version > orders.version`,
	);
	await db.batch(
		rows.map((r) =>
			statement.bind(
				r.orderId,
				r.status,
				r.currentStep,
				r.failureCode,
				r.needsAttention ? 1 : 0,
				r.totalCents,
				r.currency,
				r.createdAt,
				r.updatedAt,
				r.version,
			),
		),
	);
}

const Row = z.object({
	id: z.string(),
	status: WorkflowStatus,
	current_step: z.string().nullable(),
	failure_code: z.string().nullable(),
	needs_attention: z.number(),
	total_cents: z.number(),
	currency: z.string(),
	created_at: z.number(),
	updated_at: z.number(),
});

/** Newest first, filtered, one page at a time. */
export async function listOrders(db: D1Database, filter: OrderFilter) {
	const where: string[] = [];
	const binds: (string | number)[] = [];
	const add = (clause: string, ...values: (string | number)[]) => {
		where.push(clause);
		binds.push(...values);
	};
	if (filter.status) add("status = ?", filter.status);
	if (filter.step) add("current_step = ?", filter.step);
	if (filter.failure) add("failure_code = ?", filter.failure);
	if (filter.createdBefore !== undefined) add("created_at < ?", filter.createdBefore);
	if (filter.after) add("(created_at, id) < (?, ?)", ...filter.after);
	const sql = `SELECT * FROM orders ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
		ORDER BY created_at DESC, id DESC LIMIT ?`;
	const { results } = await db
		.prepare(sql)
		.bind(...binds, filter.limit + 1)
		.all();
	const rows = z.array(Row).parse(results);
	const { items, nextCursor } = page(rows, filter.limit, (r) => [r.created_at, r.id]);
	const orders: IndexedOrder[] = items.map((r) => ({
		orderId: r.id,
		status: r.status,
		currentStep: r.current_step,
		failureCode: r.failure_code,
		needsAttention: r.needs_attention === 1,
		totalCents: r.total_cents,
		currency: r.currency,
		createdAt: new Date(r.created_at).toISOString(),
		updatedAt: new Date(r.updated_at).toISOString(),
	}));
	return { orders, nextCursor };
}
