import { z } from "zod";
import { FinalStatus, WorkflowStatus } from "../engine/events";
import { isoTime } from "../engine/time";
import { conditions, type Position, page } from "./cursor";
import { IndexRow } from "./messages";

/** An index row as operators read it: times as ISO 8601, no internal bookkeeping. */
export const IndexedOrder = IndexRow.omit({ version: true, dueAt: true, openEpisode: true, workflowId: true }).extend({
	createdAt: z.iso.datetime(),
	updatedAt: z.iso.datetime(),
});
export type IndexedOrder = z.infer<typeof IndexedOrder>;

export interface OrderFilter {
	tenant?: string;
	/** An exact order id, or the start of one (case-sensitive). */
	orderId?: string;
	orderIdPrefix?: string;
	workflowVersion?: number;
	status?: string;
	step?: string;
	failureStep?: string;
	failure?: string;
	/** Placed at or after, and before, these times (ms since the epoch). */
	createdAfter?: number;
	createdBefore?: number;
	limit: number;
	after?: Position;
}

/** Writes the rows in one batch; a row only replaces an older version of itself. */
export async function upsertIndexRows(db: D1Database, rows: readonly IndexRow[]): Promise<void> {
	if (rows.length === 0) return;
	const statement = db.prepare(
		`INSERT INTO orders (tenant, id, workflow_id, workflow_version, status, current_step, failure_step, failure_code, needs_attention, total_cents, currency, created_at, updated_at, due_at, open_episode, version)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status, current_step = excluded.current_step,
		   failure_step = excluded.failure_step, failure_code = excluded.failure_code, needs_attention = excluded.needs_attention, updated_at = excluded.updated_at,
		   due_at = excluded.due_at, open_episode = excluded.open_episode, version = excluded.version
		 WHERE excluded.version > orders.version`,
	);
	await db.batch(
		rows.map((r) =>
			statement.bind(
				r.tenant,
				r.orderId,
				r.workflowId,
				r.workflowVersion,
				r.status,
				r.currentStep,
				r.failureStep,
				r.failureCode,
				r.needsAttention ? 1 : 0,
				r.totalCents,
				r.currency,
				r.createdAt,
				r.updatedAt,
				r.dueAt,
				r.openEpisode,
				r.version,
			),
		),
	);
}

const FINAL = FinalStatus.options.map((s) => `'${s}'`).join(", ");

/**
 * Orders whose index row or dead letter may be out of step with the object, oldest first and each
 * at most once per `since`: an active order whose due time passed (stranded, or its last report
 * lost), an open episode with no dead letter, an open dead letter the order no longer has open, and
 * an episode the index still shows open whose dead letter was closed (the report after it was lost).
 */
export async function ordersToReconcile(
	db: D1Database,
	now: number,
	since: number,
	limit: number,
	only?: readonly string[],
): Promise<string[]> {
	const subset = only ? `AND o.workflow_id IN (SELECT value FROM json_each(?))` : "";
	const { results } = await db
		.prepare(
			`SELECT c.w AS workflowId FROM (
			   SELECT workflow_id AS w, due_at AS at FROM orders WHERE status NOT IN (${FINAL}) AND due_at IS NOT NULL AND due_at < ?
			   UNION ALL SELECT o.workflow_id, o.updated_at FROM orders o LEFT JOIN dead_letters d ON d.id = o.open_episode
			     WHERE o.open_episode IS NOT NULL AND d.id IS NULL
			   UNION ALL SELECT o.workflow_id, o.updated_at FROM dead_letters d
			     JOIN orders o ON o.tenant = d.tenant AND o.id = d.order_id
			     WHERE d.status = 'open' AND (o.open_episode IS NULL OR o.open_episode != d.id)
			   UNION ALL SELECT o.workflow_id, o.updated_at FROM orders o JOIN dead_letters d ON d.id = o.open_episode
			     WHERE d.status = 'closed'
			 ) c JOIN orders o ON o.workflow_id = c.w WHERE (o.swept_at IS NULL OR o.swept_at < ?) ${subset}
			 GROUP BY c.w ORDER BY MIN(c.at) LIMIT ?`,
		)
		.bind(now, since, ...(only ? [JSON.stringify(only)] : []), limit)
		.all<{ workflowId: string }>();
	return results.map((r) => r.workflowId);
}

/** Notes that the sweeper looked at these orders (by workflow id) now, so it leaves them be for a while. */
export async function markSwept(db: D1Database, workflowIds: readonly string[], now: number): Promise<void> {
	if (workflowIds.length === 0) return;
	const statement = db.prepare("UPDATE orders SET swept_at = ? WHERE workflow_id = ?");
	await db.batch(workflowIds.map((id) => statement.bind(now, id)));
}

const Row = z.object({
	tenant: z.string(),
	id: z.string(),
	workflow_version: z.number(),
	status: WorkflowStatus,
	current_step: z.string().nullable(),
	failure_step: z.string().nullable(),
	failure_code: z.string().nullable(),
	needs_attention: z.number(),
	total_cents: z.number(),
	currency: z.string(),
	created_at: z.number(),
	updated_at: z.number(),
});

/** Orders in the index by workflow version and status: what is still in flight on each version. */
export async function countByWorkflowVersion(db: D1Database) {
	const { results } = await db
		.prepare("SELECT workflow_version, status, COUNT(*) AS n FROM orders GROUP BY workflow_version, status")
		.all<{ workflow_version: number; status: string; n: number }>();
	const versions = new Map<number, Record<string, number>>();
	for (const r of results) versions.set(r.workflow_version, { ...versions.get(r.workflow_version), [r.status]: r.n });
	return [...versions].sort(([a], [b]) => a - b).map(([workflowVersion, statuses]) => ({ workflowVersion, statuses }));
}

/** Newest first, filtered, one page at a time. */
export async function listOrders(db: D1Database, filter: OrderFilter) {
	const q = conditions();
	if (filter.tenant) q.add("tenant = ?", filter.tenant);
	if (filter.orderId) q.add("id = ?", filter.orderId);
	if (filter.orderIdPrefix) q.prefix("id", filter.orderIdPrefix);
	if (filter.workflowVersion !== undefined) q.add("workflow_version = ?", filter.workflowVersion);
	if (filter.status) q.add("status = ?", filter.status);
	if (filter.step) q.add("current_step = ?", filter.step);
	if (filter.failureStep) q.add("failure_step = ?", filter.failureStep);
	if (filter.failure) q.add("failure_code = ?", filter.failure);
	if (filter.createdAfter !== undefined) q.add("created_at >= ?", filter.createdAfter);
	if (filter.createdBefore !== undefined) q.add("created_at < ?", filter.createdBefore);
	if (filter.after) q.add("(created_at, id) < (?, ?)", ...filter.after);
	const { results } = await db
		.prepare(`SELECT * FROM orders ${q.where()} ORDER BY created_at DESC, id DESC LIMIT ?`)
		.bind(...q.values, filter.limit + 1)
		.all();
	const rows = z.array(Row).parse(results);
	const { items, nextCursor } = page(rows, filter.limit, (r) => [r.created_at, r.id]);
	const orders: IndexedOrder[] = items.map((r) => ({
		tenant: r.tenant,
		orderId: r.id,
		workflowVersion: r.workflow_version,
		status: r.status,
		currentStep: r.current_step,
		failureStep: r.failure_step,
		failureCode: r.failure_code,
		needsAttention: r.needs_attention === 1,
		totalCents: r.total_cents,
		currency: r.currency,
		createdAt: isoTime(r.created_at),
		updatedAt: isoTime(r.updated_at),
	}));
	return { orders, nextCursor };
}
