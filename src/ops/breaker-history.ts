import type { BreakerRecord } from "./breaker-state";
import type { Held } from "./held-orders";

const HOUR_MS = 3_600_000;

/** Episodes kept, newest first; older ones are dropped as new ones begin. */
const EPISODES_KEPT = 200;

/** Hours of failure counts kept. */
const HOURS_KEPT = 48;

/** One time the breaker was not closed: how it began (opened by failures, or paused), why, by whom, and how it ended. */
export interface Episode {
	startedAt: number;
	kind: "opened" | "paused";
	reason: string;
	startedBy: string;
	endedAt: number | null;
	endedBy: string | null;
}

/** What the console reads of a breaker: its episodes, newest first, its failed calls per hour, the orders it holds. */
export interface BreakerPast {
	episodes: Episode[];
	failuresByHour: { hour: number; failures: number }[];
	held: Held[];
}

/** Who a transition was made by when no person made it. */
export const BY_BREAKER = { opened: "the breaker (failures)", closed: "the breaker (a probe call succeeded)" };

/**
 * A breaker's history, in its object's SQLite: its episodes (from leaving closed to closing again) and
 * its failed calls per hour. Both are written only on failures and transitions, never on a healthy
 * call, and both are bounded (the newest episodes, the last two days of hours).
 */
export class BreakerHistory {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(`CREATE TABLE IF NOT EXISTS episodes (seq INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, kind TEXT NOT NULL,
			reason TEXT NOT NULL, started_by TEXT NOT NULL, ended_at INTEGER, ended_by TEXT);
			CREATE TABLE IF NOT EXISTS failures (hour INTEGER PRIMARY KEY, failures INTEGER NOT NULL);`);
	}

	/** Counts failed calls an isolate reported, in the hour they were reported. */
	failed(now: number, failures: number): void {
		if (failures <= 0) return;
		const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
		this.sql.exec(
			"INSERT INTO failures (hour, failures) VALUES (?, ?) ON CONFLICT (hour) DO UPDATE SET failures = failures + excluded.failures",
			hour,
			failures,
		);
		this.sql.exec("DELETE FROM failures WHERE hour < ?", hour - HOURS_KEPT * HOUR_MS);
	}

	/** Notes a transition: leaving closed begins an episode, closing ends it; `by` is the person, if one acted. */
	follow(before: BreakerRecord | null, after: BreakerRecord, now: number, by: string | null): void {
		const wasClosed = !before || before.state === "closed";
		if (wasClosed && after.state !== "closed") {
			const kind = after.state === "paused" ? "paused" : "opened";
			this.sql.exec(
				"INSERT INTO episodes (started_at, kind, reason, started_by) VALUES (?, ?, ?, ?)",
				now,
				kind,
				after.reason ?? "",
				by ?? BY_BREAKER.opened,
			);
			this.sql.exec("DELETE FROM episodes WHERE seq <= (SELECT MAX(seq) FROM episodes) - ?", EPISODES_KEPT);
		} else if (!wasClosed && after.state === "closed")
			this.sql.exec(
				"UPDATE episodes SET ended_at = ?, ended_by = ? WHERE seq = (SELECT MAX(seq) FROM episodes) AND ended_at IS NULL",
				now,
				by ?? BY_BREAKER.closed,
			);
	}

	/** Episodes that were still going at `since` or began after it (at most `limit`), and failures per hour since then. */
	since(since: number, limit: number, held: Held[]): BreakerPast {
		const episodes = this.sql
			.exec<{
				started_at: number;
				kind: string;
				reason: string;
				started_by: string;
				ended_at: number | null;
				ended_by: string | null;
			}>("SELECT * FROM episodes WHERE ended_at IS NULL OR ended_at >= ? ORDER BY seq DESC LIMIT ?", since, limit)
			.toArray()
			.map((r) => ({
				startedAt: r.started_at,
				kind: r.kind === "paused" ? ("paused" as const) : ("opened" as const),
				reason: r.reason,
				startedBy: r.started_by,
				endedAt: r.ended_at,
				endedBy: r.ended_by,
			}));
		const failuresByHour = this.sql
			.exec<{ hour: number; failures: number }>(
				"SELECT hour, failures FROM failures WHERE hour >= ? ORDER BY hour",
				since,
			)
			.toArray()
			.map((r) => ({ hour: r.hour, failures: r.failures }));
		return { episodes, failuresByHour, held };
	}
}
