import { z } from "zod";
import type { Admission, CallOutcome } from "../engine/gate";
import type { BreakerConfig } from "./config";

/** A breaker's fixed timings, in ms. */
export const TIMING = {
	/** After a failed alert hand-over, when to try again. */
	alertRetryMs: 5_000,
	/** After a probe's release did not reach its order, when it is sent again. */
	probeResendMs: 5_000,
	/** How long one release wave spreads its orders over: the rate is per second. */
	waveMs: 1_000,
};

export const BreakerState = z.enum(["closed", "open", "half_open", "paused"]);
export type BreakerState = z.infer<typeof BreakerState>;

/** What `GET /downstreams` shows of one breaker. */
export interface DownstreamView {
	name: string;
	state: BreakerState;
	since: number;
	recentFailures: number;
	/** Calls reported in the current window, failed or not: with `recentFailures`, the recent failure rate. */
	recentCalls: number;
	heldOrders: number;
	reason: string | null;
}

/** What operators see of a breaker: its failures count only while its window is current. */
export function viewOf(r: BreakerRecord, heldOrders: number, now: number, windowMs: number): DownstreamView {
	const current = now - r.windowStart < windowMs;
	return {
		name: r.downstream,
		state: r.state,
		since: r.since,
		recentFailures: current ? r.failures : 0,
		recentCalls: current ? r.failures + r.successes : 0,
		heldOrders,
		reason: r.reason,
	};
}

export interface AdmitAnswer {
	admission: Admission;
	/** Whether the caller's isolate may admit calls without asking for a while. */
	fast: boolean;
}

/** A person's pause or resume: who, why, and the request's idempotency key. */
export interface BreakerRequest {
	actor: string;
	reason: string;
	requestKey: string | null;
}

export type BreakerAction = "pause" | "resume";
export type ActionAnswer =
	| { outcome: "accepted" | "repeated"; view: DownstreamView }
	| { outcome: "conflict"; view: DownstreamView }
	| { outcome: "key_reused"; earlier: BreakerAction };

/** One breaker's durable record: its state and the current window's counts. */
export interface BreakerRecord {
	/** The service's name as steps declare it. */
	downstream: string;
	state: BreakerState;
	since: number;
	/** Why it is open or paused; null while closed. */
	reason: string | null;
	windowStart: number;
	failures: number;
	successes: number;
	/** Failures reported since the last success, across windows (records from before it: none). */
	streak?: number;
	lastFailure: string | null;
	/** While open: when one probe may go through. */
	probeAfter: number | null;
	/** While half-open: until when the probe let through owns the breaker, and the workflow it was given to. */
	probeUntil: number | null;
	probeHolder?: string | null;
	/** Open episodes so far; names each episode's alerts. */
	episode: number;
	/** The current episode's opening was announced and its closing not yet: a close (a probe, a resume) announces it. */
	announced?: boolean;
	/** Closed or resumed with orders still held: they are being released in waves. */
	releasing: boolean;
}

/** Outcomes an isolate collected since its last report; a probe's outcome comes alone, at once. */
export interface BreakerReport {
	successes: number;
	failures: number;
	lastFailure: string | null;
	probe: CallOutcome | null;
	/** Whose probe outcome it is; a probe returned unused frees only its own holder's lease. */
	prober?: string | null;
}

export const newRecord = (downstream: string, now: number): BreakerRecord => ({
	downstream,
	state: "closed",
	since: now,
	reason: null,
	windowStart: now,
	failures: 0,
	successes: 0,
	lastFailure: null,
	probeAfter: null,
	probeUntil: null,
	probeHolder: null,
	episode: 0,
	announced: false,
	releasing: false,
});

/** What a transition asks of the breaker's object besides its new record. */
export type Effect = "opened" | "closed" | null;

/**
 * Whether isolates may admit calls without asking: closed. While held orders are released in waves,
 * new calls go on as usual (held ones always ask), so traffic is never queued behind a backlog.
 */
export const isFastPath = (r: BreakerRecord) => r.state === "closed";

/**
 * Open or half-open, and no probe under way: the next caller may be the probe. The workflow holding the
 * probe may have it again: asking again, it shows its probe call was cut off (a restart) and is not in flight.
 */
export const probeMayGo = (r: BreakerRecord, now: number, workflowId?: string) =>
	(r.state === "open" || r.state === "half_open") &&
	(r.probeAfter ?? 0) <= now &&
	(r.probeUntil === null || r.probeUntil <= now || (workflowId !== undefined && r.probeHolder === workflowId));

export function granted(r: BreakerRecord, now: number, config: BreakerConfig, holder: string): BreakerRecord {
	return {
		...r,
		state: "half_open",
		since: r.state === "half_open" ? r.since : now,
		probeUntil: now + config.probeLeaseMs,
		probeHolder: holder,
	};
}

/** The probe's holder will not call after all: the next may go at once. */
export const probeReturned = (r: BreakerRecord): BreakerRecord => ({ ...r, probeUntil: null, probeHolder: null });

/** Whether the current episode's opening was announced (records from before the flag: while open or half-open). */
const isAnnounced = (r: BreakerRecord) => r.announced ?? (r.state === "open" || r.state === "half_open");

function opened(r: BreakerRecord, now: number, reason: string, config: BreakerConfig): BreakerRecord {
	const fresh = r.state === "closed";
	return {
		...r,
		state: "open",
		since: fresh ? now : r.since,
		reason,
		episode: fresh ? r.episode + 1 : r.episode,
		announced: fresh || isAnnounced(r),
		probeAfter: now + config.cooldownMs,
		probeUntil: null,
		probeHolder: null,
		releasing: false,
	};
}

/**
 * Closed again (a probe succeeded, or an operator resumed): counts start over, held orders go in waves.
 * The episode's close is announced if its opening was, however it ends (a pause and resume included).
 */
export function closed(r: BreakerRecord, now: number): { record: BreakerRecord; effect: Effect } {
	const record: BreakerRecord = {
		...r,
		state: "closed",
		since: now,
		reason: null,
		windowStart: now,
		failures: 0,
		successes: 0,
		streak: 0,
		probeAfter: null,
		probeUntil: null,
		probeHolder: null,
		announced: false,
		releasing: true,
	};
	return { record, effect: isAnnounced(r) ? "closed" : null };
}

/** Paused by an operator: every new call is held; who and why is its reason. */
export const paused = (r: BreakerRecord, now: number, { actor, reason }: BreakerRequest): BreakerRecord => ({
	...r,
	state: "paused",
	since: now,
	reason: `${reason} (${actor})`,
	releasing: false,
});

/** When the breaker's alarm is due for the orders it holds: the probe, a lost probe's lease, the next wave. */
export function heldDue(r: BreakerRecord, now: number, waveAt: number): number[] {
	if (r.state === "open") return [r.probeAfter ?? now];
	if (r.state === "half_open") return [r.probeUntil ?? now];
	return r.state === "closed" && r.releasing ? [waveAt] : [];
}

/** Folds a report in: a probe decides a half-open breaker; enough failures in the window open a closed one. */
export function reported(
	r: BreakerRecord,
	report: BreakerReport,
	now: number,
	config: BreakerConfig,
): { record: BreakerRecord; effect: Effect } {
	const stale = now - r.windowStart >= config.windowMs;
	const counted: BreakerRecord = {
		...r,
		windowStart: stale ? now : r.windowStart,
		failures: (stale ? 0 : r.failures) + report.failures,
		successes: (stale ? 0 : r.successes) + report.successes,
		// A report does not say in which order its calls came: any success in it breaks the run.
		streak: report.successes > 0 ? 0 : (r.streak ?? 0) + report.failures,
		lastFailure: report.lastFailure ?? r.lastFailure,
	};
	if (report.probe && r.state === "half_open") {
		if (report.probe === "success") return closed(counted, now);
		if (report.probe === "none")
			return { record: r.probeHolder === report.prober ? probeReturned(counted) : counted, effect: null };
		const reason = `the probe call failed (${counted.lastFailure ?? "no answer"})`;
		return { record: opened(counted, now, reason, config), effect: null };
	}
	if (r.state !== "closed") return { record: counted, effect: null };
	const reason = openingReason(counted, config);
	return reason
		? { record: opened(counted, now, reason, config), effect: "opened" }
		: { record: counted, effect: null };
}

/**
 * Why a closed breaker opens, or null: enough failures that are a large enough share of the window's
 * calls, or as many failures in a row. The second catches an outage that begins just after busy
 * traffic, whose successes would otherwise hold the share down for up to a whole window while every
 * order in flight spends its retry budget.
 */
function openingReason(r: BreakerRecord, config: BreakerConfig): string | null {
	const { failures, successes } = r;
	const last = `(last: ${r.lastFailure ?? "unknown"})`;
	if ((r.streak ?? 0) >= config.failures) return `${r.streak} calls failed in a row ${last}`;
	if (failures >= config.failures && failures / (failures + successes) >= config.failureRate)
		return `${failures} of ${failures + successes} calls failed within ${config.windowMs / 1000} s ${last}`;
	return null;
}
