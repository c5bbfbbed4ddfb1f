import { z } from "zod";

/** A session with no request for this long ends, whatever its cookie says: 30 minutes, in ms. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** A session's last request is written at most this often (a write per page would be waste), in ms. */
const TOUCH_EVERY_MS = 60_000;
/** Ended and expired sessions are kept this long for the sessions page, then pruned, in ms. */
const KEEP_ENDED_MS = 24 * 60 * 60_000;

export const EndReason = z.enum(["signed_out", "signed_out_everywhere", "idle"]);
export type EndReason = z.infer<typeof EndReason>;

const Row = z.object({
	id: z.string(),
	key_name: z.string(),
	created_at: z.number(),
	last_seen_at: z.number(),
	expires_at: z.number(),
	ended_at: z.number().nullable(),
});

/** A session as the sessions page lists it. */
export interface SessionRecord {
	id: string;
	createdAt: number;
	lastSeenAt: number;
	expiresAt: number;
}

/** The row's key: the SHA-256 of the cookie's session id, so the table alone opens no session. */
export async function rowId(sid: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sid)));
	return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const idle = (row: z.infer<typeof Row>, now: number) => now - row.last_seen_at >= IDLE_TIMEOUT_MS;

export async function recordSession(db: D1Database, sid: string, keyName: string, now: number, expiresAt: number) {
	await db
		.prepare("INSERT INTO console_sessions (id, key_name, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)")
		.bind(await rowId(sid), keyName, now, now, expiresAt)
		.run();
}

/**
 * Whether the session is still going at `now`: recorded for this key, not ended, not past its end,
 * not idle for 30 minutes. A going session's last request is noted (at most once a minute).
 */
export async function sessionGoing(db: D1Database, sid: string, keyName: string, now: number): Promise<boolean> {
	const id = await rowId(sid);
	const found = await db.prepare("SELECT * FROM console_sessions WHERE id = ?").bind(id).first();
	const row = found === null ? null : Row.parse(found);
	if (!row || row.key_name !== keyName || row.ended_at !== null || row.expires_at <= now) return false;
	if (idle(row, now)) {
		// Ended for good: a later request (or another isolate's clock) never brings it back.
		await end(db, "id = ?", [id], now, "idle");
		return false;
	}
	if (now - row.last_seen_at >= TOUCH_EVERY_MS)
		await db
			.prepare("UPDATE console_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?")
			.bind(now, id, now)
			.run();
	return true;
}

/** Ends the sessions `where` picks that are still going; returns how many. */
async function end(db: D1Database, where: string, values: unknown[], now: number, reason: EndReason): Promise<number> {
	const result = await db
		.prepare(`UPDATE console_sessions SET ended_at = ?, ended_reason = ? WHERE ${where} AND ended_at IS NULL`)
		.bind(now, reason, ...values)
		.run();
	return result.meta.changes;
}

export async function endSession(db: D1Database, sid: string, now: number): Promise<void> {
	await end(db, "id = ?", [await rowId(sid)], now, "signed_out");
}

/** Ends every session of the key, in every browser; returns how many were going. */
export const endEverySession = (db: D1Database, keyName: string, now: number) =>
	end(db, "key_name = ? AND expires_at > ?", [keyName, now], now, "signed_out_everywhere");

/** The key's sessions still going at `now`, newest first. */
export async function goingSessions(db: D1Database, keyName: string, now: number): Promise<SessionRecord[]> {
	const { results } = await db
		.prepare(
			"SELECT * FROM console_sessions WHERE key_name = ? AND ended_at IS NULL AND expires_at > ? AND last_seen_at > ? ORDER BY created_at DESC LIMIT 100",
		)
		.bind(keyName, now, now - IDLE_TIMEOUT_MS)
		.all();
	return z
		.array(Row)
		.parse(results)
		.map((r) => ({ id: r.id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at }));
}

/** Drops sessions that ended or expired a day ago: the sweeper's cron calls it. */
export async function pruneSessions(db: D1Database, now: number): Promise<void> {
	await db
		.prepare("DELETE FROM console_sessions WHERE COALESCE(ended_at, expires_at) < ? OR last_seen_at < ?")
		.bind(now - KEEP_ENDED_MS, now - IDLE_TIMEOUT_MS - KEEP_ENDED_MS)
		.run();
}
