import type { Alert } from "./messages";

/**
 * A breaker's alerts not yet handed to the alert queue, in its object's SQLite: an episode's opening
 * or closing is recorded with the transition that caused it and sent by the alarm, so a crash in
 * between only delays it (each alert's id makes a repeat harmless).
 */
export class BreakerAlerts {
	/** After a failed hand-over, when to try again (ms since the epoch); 0: at once. */
	retryAt = 0;

	constructor(private readonly sql: SqlStorage) {
		sql.exec("CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
	}

	add(alert: Alert): void {
		this.sql.exec("INSERT OR IGNORE INTO outbox (id, body) VALUES (?, ?)", alert.id, JSON.stringify(alert));
	}

	get owed(): boolean {
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n > 0;
	}

	/** Hands every owed alert to `queue`; a failure is retried `retryMs` later. */
	async send(queue: Queue<unknown>, now: number, retryMs: number): Promise<void> {
		const owed = this.sql.exec<{ id: string; body: string }>("SELECT id, body FROM outbox").toArray();
		if (owed.length === 0) return;
		try {
			await queue.sendBatch(owed.map((row) => ({ body: JSON.parse(row.body) })));
			for (const row of owed) this.sql.exec("DELETE FROM outbox WHERE id = ?", row.id);
		} catch (error) {
			this.retryAt = now + retryMs;
			console.warn("breaker alerts not handed over; retrying", error);
		}
	}
}
