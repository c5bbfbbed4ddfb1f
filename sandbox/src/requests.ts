import type { Decision, FaultOperation } from "./schemas";

/** One request as the ledger received it, and how it was answered. */
export interface ReceivedRequest {
	operation: FaultOperation;
	orderId: string | null;
	idempotencyKey: string;
	traceparent: string | null;
	/** The fault that applied to it, if one did. */
	fault: string | null;
}

/** Every request the services received, duplicates and questions about keys included, in the ledger's SQLite. */
export class RequestLog {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS requests (seq INTEGER PRIMARY KEY, operation TEXT NOT NULL, order_id TEXT,
			idempotency_key TEXT NOT NULL, status INTEGER NOT NULL, code TEXT, fault TEXT, at INTEGER NOT NULL);
			CREATE INDEX IF NOT EXISTS requests_by_order ON requests (order_id, seq);`);
		// A sandbox whose state predates trace contexts gets the column once.
		const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('requests')").toArray();
		if (!columns.some((c) => c.name === "traceparent")) sql.exec("ALTER TABLE requests ADD COLUMN traceparent TEXT");
	}

	/** Records the request with the answer it gets, and returns that answer. */
	record(request: ReceivedRequest, decision: Decision): Decision {
		const code = (decision.body as { code?: unknown }).code;
		this.sql.exec(
			"INSERT INTO requests (operation, order_id, idempotency_key, status, code, fault, at, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			request.operation,
			request.orderId,
			request.idempotencyKey,
			decision.status,
			typeof code === "string" ? code : null,
			request.fault,
			Date.now(),
			request.traceparent,
		);
		return decision;
	}

	list(orderId?: string) {
		return this.sql
			.exec(
				`SELECT operation, order_id AS orderId, idempotency_key AS idempotencyKey, status, code, fault, at, traceparent FROM requests
				 ${orderId === undefined ? "" : "WHERE order_id = ?"} ORDER BY seq`,
				...(orderId === undefined ? [] : [orderId]),
			)
			.toArray();
	}
}
