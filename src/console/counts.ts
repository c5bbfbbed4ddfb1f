import { z } from "zod";
import type { WorkflowStatus } from "../engine/events";

/** The statuses of orders still in flight: counted on every page. Finished ones grow without end and are not. */
export const IN_FLIGHT = ["needs_attention", "running", "waiting", "compensating"] as const satisfies WorkflowStatus[];

/** What the navigation counts: orders in flight by status, and open dead letters. */
export interface NavCounts {
	orders: Partial<Record<(typeof IN_FLIGHT)[number], number>>;
	openDeadLetters: number;
}

const Counted = z.array(z.object({ status: z.enum(IN_FLIGHT), n: z.number() }));

/**
 * The counts the navigation shows, from the index. Both reads are ranges of an index (orders by
 * status, dead letters by status), so they cost the orders in flight and the open dead letters, never
 * the whole history.
 */
export async function navCounts(db: D1Database): Promise<NavCounts> {
	const statuses = IN_FLIGHT.map(() => "?").join(", ");
	const [orders, letters] = await db.batch([
		db
			.prepare(`SELECT status, COUNT(*) AS n FROM orders WHERE status IN (${statuses}) GROUP BY status`)
			.bind(...IN_FLIGHT),
		db.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE status = 'open'"),
	]);
	const counted = Counted.parse(orders?.results ?? []);
	return {
		orders: Object.fromEntries(counted.map((row) => [row.status, row.n])),
		openDeadLetters: z.number().parse((letters?.results[0] as { n?: number } | undefined)?.n ?? 0),
	};
}
