import type { Decision, Operation } from "./schemas";

/** Effect kinds as the ledger reports them: one array each in `GET /ledger`. */
export const EFFECTS = {
	charge: "charges",
	refund: "refunds",
	reserve: "reservations",
	release: "releases",
	ship: "shipments",
	cancel: "shipmentCancellations",
	send: "emails",
	alert: "alerts",
} as const satisfies Record<Operation, string>;

const ID_PREFIX: Record<Operation, string> = {
	charge: "ch",
	refund: "re",
	reserve: "rs",
	release: "rl",
	ship: "sh",
	cancel: "sc",
	send: "em",
	alert: "al",
};

type Row = Record<string, SqlStorageValue>;

/** What the services did, one row per effect, in the ledger's SQLite. */
export class EffectTable {
	constructor(private readonly sql: SqlStorage) {
		// Looked up by order and by target on every request and ledger read: indexed, so a long run stays fast.
		sql.exec(`CREATE TABLE IF NOT EXISTS effects (id TEXT PRIMARY KEY, kind TEXT NOT NULL, order_id TEXT, target_id TEXT,
			idempotency_key TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL);
			CREATE INDEX IF NOT EXISTS effects_by_order ON effects (kind, order_id);
			CREATE INDEX IF NOT EXISTS effects_by_target ON effects (kind, target_id);
			CREATE TABLE IF NOT EXISTS effect_counts (kind TEXT PRIMARY KEY, n INTEGER NOT NULL);`);
	}

	/** Records an effect and answers with its new id, as the service would. */
	record(
		operation: Operation,
		key: string,
		orderId: string,
		targetId: string | null,
		data: object,
		status: number,
	): Decision {
		const seq = this.sql
			.exec(
				`INSERT INTO effect_counts (kind, n) VALUES (?, (SELECT count(*) FROM effects WHERE kind = ?) + 1)
				 ON CONFLICT (kind) DO UPDATE SET n = n + 1 RETURNING n`,
				operation,
				operation,
			)
			.one().n;
		const id = `${ID_PREFIX[operation]}_${Number(seq)}`;
		this.sql.exec(
			"INSERT INTO effects (id, kind, order_id, target_id, idempotency_key, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			id,
			operation,
			orderId,
			targetId,
			key,
			JSON.stringify(data),
			Date.now(),
		);
		return { status, body: { id, ...(targetId ? { targetId } : {}) } };
	}

	find(kind: Operation, id: string): Row | undefined {
		return this.sql.exec("SELECT * FROM effects WHERE kind = ? AND id = ?", kind, id).toArray()[0];
	}

	findByTarget(kind: Operation, targetId: string): Row | undefined {
		return this.sql.exec("SELECT * FROM effects WHERE kind = ? AND target_id = ?", kind, targetId).toArray()[0];
	}

	list(kind: Operation, orderId?: string) {
		return this.sql
			.exec(
				`SELECT id, order_id AS orderId, target_id AS targetId, idempotency_key AS idempotencyKey, data, at FROM effects
				 WHERE kind = ?${orderId === undefined ? "" : " AND order_id = ?"} ORDER BY at, id`,
				kind,
				...(orderId === undefined ? [] : [orderId]),
			)
			.toArray()
			.map((row) => ({
				...row,
				data: JSON.parse(String(row.data)) as Record<string, unknown>,
			}));
	}
}
