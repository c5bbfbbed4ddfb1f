import type { BreakerAction, BreakerRequest } from "./breaker-state";

/**
 * The operators' pauses and resumes of one breaker, in its object's SQLite: who, why and when, and
 * by their Idempotency-Key, so that a request sent again is a repeat and a key used for another
 * action is refused.
 */
export class BreakerActions {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS actions (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL,
			actor TEXT NOT NULL, reason TEXT NOT NULL, request_key TEXT UNIQUE)`);
	}

	/** The action an earlier request with this key asked for, if any. */
	earlier(requestKey: string | null): BreakerAction | undefined {
		if (requestKey === null) return undefined;
		return this.sql
			.exec<{ action: BreakerAction }>("SELECT action FROM actions WHERE request_key = ?", requestKey)
			.toArray()[0]?.action;
	}

	record(at: number, action: BreakerAction, { actor, reason, requestKey }: BreakerRequest): void {
		this.sql.exec(
			"INSERT INTO actions (at, action, actor, reason, request_key) VALUES (?, ?, ?, ?, ?)",
			at,
			action,
			actor,
			reason,
			requestKey,
		);
	}
}
