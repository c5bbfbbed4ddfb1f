import type { Decision, Service } from "./schemas";

/** The code of a request refused because its key was fenced: asked about, answered absent, never to apply. */
export const KEY_FENCED = "idempotency_key_fenced";

/**
 * The verify contract's fences, in the ledger's SQLite. Asked about a key its service has no answer
 * for, the service answers "absent" and fences the key through the caller's last attempt: a copy of
 * any of those attempts that arrives later (still in flight when the caller gave up on it) is refused,
 * definitively, so "absent" stays true. A later attempt (a higher `Idempotency-Attempt`) is served as usual.
 */
export class FenceTable {
	constructor(private readonly sql: SqlStorage) {
		sql.exec("CREATE TABLE IF NOT EXISTS fences (scope TEXT PRIMARY KEY, through INTEGER NOT NULL)");
	}

	/** Fences `key` of `service` through `attempt`; a fence only ever moves up. */
	fence(service: Service, key: string, attempt: number): void {
		this.sql.exec(
			"INSERT INTO fences (scope, through) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET through = max(through, excluded.through)",
			`${service}:${key}`,
			attempt,
		);
	}

	/** The refusal a request under `key` gets if its attempt is one the key was fenced through (no attempt named: the oldest). */
	refusal(service: Service, key: string, attempt: number): Decision | null {
		const row = this.sql.exec("SELECT through FROM fences WHERE scope = ?", `${service}:${key}`).toArray()[0];
		if (!row || attempt > Number(row.through)) return null;
		return { status: 422, body: { code: KEY_FENCED, message: `attempt ${attempt} of ${key} was fenced by a verify` } };
	}
}
