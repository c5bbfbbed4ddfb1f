import type { Decision, Operation } from "./schemas";

export const refuse = (status: number, code: string): Decision => ({ status, body: { code } });

/** The code of a key that came back with another body. */
export const KEY_REUSED = "idempotency_key_reused";

/** Keys sorted, so that the same body always fingerprints the same, whatever its key order. */
export function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
	if (value && typeof value === "object") {
		const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
	}
	return JSON.stringify(value) ?? "null";
}

/** Stripe-like idempotency, in the ledger's SQLite: a key answers the same way every time it comes back with the same body. */
export class IdempotencyTable {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
			status INTEGER NOT NULL, body TEXT NOT NULL)`);
	}

	/** The bodies received under a workflow's keys (`<workflow id>:<step>`), canonical, by key: what replay checks compare. */
	bodies(workflowId: string): Record<string, { operation: string; body: string }> {
		const rows = this.sql
			.exec<{ key: string; fingerprint: string }>(
				"SELECT key, fingerprint FROM idempotency WHERE instr(key, ?) > 0",
				`:${workflowId}:`,
			)
			.toArray();
		return Object.fromEntries(
			rows.flatMap(({ key, fingerprint }) => {
				const colon = key.indexOf(":");
				const idempotencyKey = key.slice(colon + 1);
				return idempotencyKey.startsWith(`${workflowId}:`)
					? [[idempotencyKey, { operation: key.slice(0, colon), body: fingerprint }]]
					: [];
			}),
		);
	}

	/** The answer stored under `key` for any of `operations` (a service's), if one is. */
	stored(operations: readonly Operation[], key: string): Decision | undefined {
		for (const operation of operations) {
			const row = this.sql
				.exec("SELECT status, body FROM idempotency WHERE key = ?", `${operation}:${key}`)
				.toArray()[0];
			if (row) return { status: Number(row.status), body: JSON.parse(String(row.body)) };
		}
		return undefined;
	}

	/** The stored answer for this key, or `run`'s, stored; the same key with another body is refused with 422. */
	once(operation: Operation, key: string, request: unknown, run: () => Decision): Decision {
		const scoped = `${operation}:${key}`;
		const fingerprint = canonical(request);
		const stored = this.sql
			.exec("SELECT fingerprint, status, body FROM idempotency WHERE key = ?", scoped)
			.toArray()[0];
		if (stored) {
			if (stored.fingerprint !== fingerprint) return refuse(422, KEY_REUSED);
			return { status: Number(stored.status), body: JSON.parse(String(stored.body)) };
		}
		const decision = run();
		// Like Stripe: results and business refusals are replayed; validation errors are not.
		if (decision.status !== 400) {
			this.sql.exec(
				"INSERT INTO idempotency (key, fingerprint, status, body) VALUES (?, ?, ?, ?)",
				scoped,
				fingerprint,
				decision.status,
				JSON.stringify(decision.body),
			);
		}
		return decision;
	}
}
