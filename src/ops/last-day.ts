import { z } from "zod";

export const HOUR_MS = 3_600_000;

/** Hours the overview draws. */
export const HOURS = 24;

/** What the fleet did in each hour of a day, oldest hour first: one count per hour per series. */
export interface LastDay {
	/** The start of the first hour (ms since the epoch). */
	from: number;
	placed: number[];
	completed: number[];
	compensated: number[];
	/** Needs-attention episodes opened (a dead letter each). */
	needingAttention: number[];
}

/** The start of the first hour of the day that ends with the hour `now` is in. */
export const dayStart = (now: number) => (Math.floor(now / HOUR_MS) - HOURS + 1) * HOUR_MS;

const Series = z.enum(["placed", "completed", "compensated", "needingAttention"]);
const Counted = z.array(z.object({ series: Series, h: z.number(), n: z.number() }));

// D1 binds a JavaScript number as a REAL, so an hour's index is cast back to an integer in SQL.

/**
 * The last `HOURS` whole and current hours from the index, in one batch of three reads, each a range of
 * an index: orders by creation time, finished orders by status and finishing time (an order's last
 * update is when it finished), dead letters by status and opening time. They cost the day's rows, never
 * the whole history.
 */
export async function lastDay(db: D1Database, now: number): Promise<LastDay> {
	const from = dayStart(now);
	const results = await db.batch([
		db
			.prepare(
				"SELECT 'placed' AS series, CAST((created_at - ?) / 3600000 AS INTEGER) AS h, COUNT(*) AS n FROM orders WHERE created_at >= ? GROUP BY h",
			)
			.bind(from, from),
		db
			.prepare(
				`SELECT status AS series, CAST((updated_at - ?) / 3600000 AS INTEGER) AS h, COUNT(*) AS n FROM orders
				 WHERE status IN ('completed', 'compensated') AND updated_at >= ? GROUP BY status, h`,
			)
			.bind(from, from),
		db
			.prepare(
				`SELECT 'needingAttention' AS series, CAST((created_at - ?) / 3600000 AS INTEGER) AS h, COUNT(*) AS n FROM dead_letters
				 WHERE status IN ('open', 'closed') AND created_at >= ? GROUP BY h`,
			)
			.bind(from, from),
	]);
	const day: LastDay = {
		from,
		placed: Array(HOURS).fill(0),
		completed: Array(HOURS).fill(0),
		compensated: Array(HOURS).fill(0),
		needingAttention: Array(HOURS).fill(0),
	};
	for (const { series, h, n } of Counted.parse(results.flatMap((r) => r.results))) {
		// A clock ahead of this one's puts a row past the last hour: it is left out, not wrapped.
		if (h >= 0 && h < HOURS) day[series][h] = (day[series][h] ?? 0) + n;
	}
	return day;
}

/** Counts per hour of the day starting at `from`, from (hour start, count) pairs. */
export function perHour(from: number, rows: { hour: number; failures: number }[]): number[] {
	const counts: number[] = Array(HOURS).fill(0);
	for (const row of rows) {
		const h = Math.floor((row.hour - from) / HOUR_MS);
		if (h >= 0 && h < HOURS) counts[h] = (counts[h] ?? 0) + row.failures;
	}
	return counts;
}
