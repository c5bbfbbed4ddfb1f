/** How the breaker reaches a held order's object: the RPC method the order object implements. */
export interface Releasable {
	releaseHold(downstream: string, probe: boolean, notBefore?: number): Promise<boolean>;
}

/** A held order as the console lists it: its object's name, and since when it is held. */
export interface Held {
	workflowId: string;
	since: number;
}

/** The orders one breaker holds, oldest first, in its object's SQLite: who to release, in which order. */
export class HeldOrders {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS held (workflow_id TEXT PRIMARY KEY, since INTEGER NOT NULL);
			CREATE INDEX IF NOT EXISTS held_by_since ON held (since, workflow_id);`);
	}

	/** Registers a held order; one already held keeps its place. */
	add(workflowId: string, now: number): void {
		this.sql.exec("INSERT OR IGNORE INTO held (workflow_id, since) VALUES (?, ?)", workflowId, now);
	}

	has(workflowId: string): boolean {
		return this.sql.exec("SELECT 1 FROM held WHERE workflow_id = ?", workflowId).toArray().length > 0;
	}

	remove(workflowId: string): void {
		this.sql.exec("DELETE FROM held WHERE workflow_id = ?", workflowId);
	}

	get count(): number {
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM held").one().n;
	}

	/** The longest-held orders, with when each was first held: what the console lists. */
	list(limit: number): Held[] {
		return this.sql
			.exec<{ workflow_id: string; since: number }>("SELECT * FROM held ORDER BY since, workflow_id LIMIT ?", limit)
			.toArray()
			.map((row) => ({ workflowId: row.workflow_id, since: row.since }));
	}

	oldest(limit: number): string[] {
		return this.sql
			.exec<{ workflow_id: string }>("SELECT workflow_id FROM held ORDER BY since, workflow_id LIMIT ?", limit)
			.toArray()
			.map((row) => row.workflow_id);
	}
}
