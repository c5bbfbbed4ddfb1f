import { type Decision, type FaultRule, type Operation, SERVICE_OF } from "./schemas";

/** The answer an `error` or `error_after` fault gives. */
export const injected = (fault: FaultRule): Decision => ({
	status: fault.status,
	body: { code: "fault_injected", ...(fault.message === undefined ? {} : { message: fault.message }) },
	headers:
		fault.status === 429 || fault.status === 503 ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined,
});

/** A 4xx that says "not done, and it never will be": not 408, 409 or 429, which say "not processed, try again". */
export const isDefinitive = (status: number) => status >= 400 && status < 500 && ![408, 409, 429].includes(status);

/** The fault rules, in the ledger's SQLite: each applies to its next `times` matching requests, oldest rule first. */
export class FaultTable {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS faults (id INTEGER PRIMARY KEY, service TEXT NOT NULL, operation TEXT NOT NULL,
			order_id TEXT, remaining INTEGER NOT NULL, rule TEXT NOT NULL)`);
	}

	/** The rule that applies to this request, if any, used up by one. */
	take(operation: Operation, orderId: string | null): FaultRule | undefined {
		const row = this.sql
			.exec(
				`SELECT id, rule FROM faults WHERE service = ? AND operation = ? AND remaining > 0
				 AND (order_id IS NULL OR order_id = ?) ORDER BY id LIMIT 1`,
				SERVICE_OF[operation],
				operation,
				orderId,
			)
			.toArray()[0];
		if (!row) return undefined;
		this.sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", row.id);
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
