import { DurableObject } from "cloudflare:workers";
import { STREAM_LIFETIME_MS } from "../order/event-stream";

/**
 * How long a lease outlives its stream's lifetime, in ms: a Worker that dies before releasing its
 * lease (a crash, an eviction) frees the place by then.
 */
const LEASE_GRACE_MS = 60_000;

export type Acquired = { lease: string } | { refused: "key" | "tenant" };

/**
 * The event streams open for one tenant's keys (or for the operators'), across all orders and every
 * isolate: each stream holds a lease here from its opening to its end. One object per tenant, so a
 * tenant's streams never contend with another's.
 */
export class StreamQuota extends DurableObject<Env> {
	private readonly sql: SqlStorage;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(
			"CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, key TEXT NOT NULL, until INTEGER NOT NULL); CREATE INDEX IF NOT EXISTS leases_by_key ON leases (key)",
		);
	}

	/** A lease for one more stream of `key`, unless it would pass the key's cap or the tenant's (null: none). */
	acquire(key: string, perKey: number, perTenant: number | null): Acquired {
		const now = Date.now();
		this.sql.exec("DELETE FROM leases WHERE until <= ?", now);
		const count = (where: string, ...values: string[]) =>
			this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM leases ${where}`, ...values).one().n;
		if (count("WHERE key = ?", key) >= perKey) return { refused: "key" };
		if (perTenant !== null && count("") >= perTenant) return { refused: "tenant" };
		const lease = crypto.randomUUID();
		this.sql.exec(
			"INSERT INTO leases (id, key, until) VALUES (?, ?, ?)",
			lease,
			key,
			now + STREAM_LIFETIME_MS + LEASE_GRACE_MS,
		);
		return { lease };
	}

	release(lease: string): void {
		this.sql.exec("DELETE FROM leases WHERE id = ?", lease);
	}

	/** Streams open now: for the tests and the measurements. */
	open(): number {
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases WHERE until > ?", Date.now()).one().n;
	}
}
