import { z } from "zod";

/**
 * What one workflow has cost so far, in the units Durable Objects are billed in: SQLite rows
 * written and read (from the cursors), alarms set (each billed as a row written) and requests
 * (RPC calls and alarm invocations). Exact while the object is in memory; each journal row
 * carries the totals as of its write, so a restarted object resumes from the last row.
 */
export const Usage = z
	.object({ rowsWritten: z.int(), rowsRead: z.int(), alarmsSet: z.int(), requests: z.int() })
	.meta({ id: "Usage" });
export type Usage = z.infer<typeof Usage>;

export const emptyUsage = (): Usage => ({ rowsWritten: 0, rowsRead: 0, alarmsSet: 0, requests: 0 });

/** Counts a cursor's reads and writes, then hands the cursor back. */
export function metered<T extends Record<string, SqlStorageValue>>(usage: Usage, cursor: SqlStorageCursor<T>) {
	const rows = cursor.toArray();
	usage.rowsRead += cursor.rowsRead;
	usage.rowsWritten += cursor.rowsWritten;
	return rows;
}
