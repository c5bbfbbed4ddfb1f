import type { Decision, FaultOperation, FaultRule, Service } from "./schemas";

/** The answer an `error` or `error_after` fault gives. */
export const injected = (fault: FaultRule): Decision => ({
	status: fault.status,
	body: { code: fault.code ?? "fault_injected", ...(fault.message === undefined ? {} : { message: fault.message }) },
	headers:
		fault.status === 429 || fault.status === 503 ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined,
});

/** A 4xx that says "not done, and it never will be": not 408, 409 or 429, which say "not processed, try again". */
export const isDefinitive = (status: number) => status >= 400 && status < 500 && ![408, 409, 429].includes(status);

/** The fault rules, in the ledger's SQLite: each applies to its next `times` matching requests, oldest rule first. */
export class FaultTable {
	constructor(private readonly sql: SqlStorage) {
		// Every downstream request looks its rule up: by operation and order, so the lookup stays cheap however
		// many orders a long run (the chaos harness, a benchmark) has placed.
		sql.exec(`CREATE TABLE IF NOT EXISTS faults (id INTEGER PRIMARY KEY, service TEXT NOT NULL, operation TEXT NOT NULL,
			order_id TEXT, remaining INTEGER NOT NULL, rule TEXT NOT NULL);
			CREATE INDEX IF NOT EXISTS faults_by_order ON faults (operation, order_id, id);`);
	}

	/** The rule that applies to this request of `service`, if any, used up by one. */
	take(service: Service, operation: FaultOperation, orderId: string | null): FaultRule | undefined {
		const row = this.sql
			.exec(
				`SELECT id, remaining, rule FROM (
				   SELECT id, service, remaining, rule FROM faults WHERE operation = ? AND order_id = ?
				   UNION ALL SELECT id, service, remaining, rule FROM faults WHERE operation = ? AND order_id IS NULL
				 ) WHERE service = ? AND remaining > 0 ORDER BY id LIMIT 1`,
				operation,
				orderId,
				operation,
				service,
			)
			.toArray()[0];
		if (!row) return undefined;
		// A rule used up is gone: the table holds only what may still apply.
		if (Number(row.remaining) <= 1) this.sql.exec("DELETE FROM faults WHERE id = ?", row.id);
		else this.sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", row.id);
		return JSON.parse(String(row.rule));
	}

	add(rule: FaultRule): number {
		return Number(
			this.sql
				.exec(
					"INSERT INTO faults (service, operation, order_id, remaining, rule) VALUES (?, ?, ?, ?, ?) RETURNING id",
					rule.service,
					rule.operation,
					rule.orderId ?? null,
					rule.times,
					JSON.stringify(rule),
				)
				.one().id,
		);
	}

	clear(orderId?: string): void {
		if (orderId === undefined) this.sql.exec("DELETE FROM faults");
		else this.sql.exec("DELETE FROM faults WHERE order_id = ?", orderId);
	}
}
