import { z } from "zod";
import type { StepFailure } from "./errors";
import { CallKind, type EntryOf, type VerifyAnswer } from "./events";
import type { Json } from "./steps";

export const StepStatus = z.enum(["running", "retrying", "held", "waiting", "succeeded", "failed"]);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepKind = z.enum([...CallKind.options, "event"]);
export type StepKind = z.infer<typeof StepKind>;

/** After an attempt's own timeout, how long the watchdog alarm waits before declaring the attempt lost. */
export const WATCHDOG_GRACE_MS = 2_000;

interface Common {
	name: string;
	status: StepStatus;
	lastError: StepFailure | null;
	result?: Json;
	startedAt: number | null;
	finishedAt: number | null;
}

/** A step that calls out (an action or an undo): attempted, retried, and maybe in doubt. */
export interface CallStep extends Common {
	kind: CallKind;
	attempts: number;
	/** Attempts made before the last redrive: the policy's budget counts from here. */
	budgetBase: number;
	/** Failed breaker probes since then: attempts the budget is not charged for. */
	probeRefunds: number;
	/** Whether the current budget's SLA has started (at its first attempt or hold): it starts once. */
	slaStarted: boolean;
	/** When holds end the step for good in the current budget: set by its first hold, kept across re-holds. */
	holdDeadline: number | null;
	/** The attempt under way is its breaker's probe. */
	probing: boolean;
	idempotencyKey: string;
	/** True while an attempt may have taken effect and no definitive answer has come since. */
	outcomeUnknown: boolean;
	nextAttemptAt: number | null;
	/** Set while an attempt is under way: when it times out. */
	inFlightUntil: number | null;
	/** When the step counts as stuck; null once reported, or once it has ended. */
	stuckAt: number | null;
	/** While held: the downstream it waits for, when the hold ends it for good (null: never), and when it asks again of its own. */
	hold: Hold | null;
	/** What its requests take from configuration, as its first attempt read it: every attempt sends the same. */
	pinned: Json | undefined;
	/** Set by a release: the next attempt needs no admission, and reports as the breaker's probe if "probe". */
	admission: "released" | "probe" | null;
	/** The last time its service was asked about its key, and what it answered; null: never asked. */
	verification: { at: number; answer: VerifyAnswer } | null;
	/** Questions answered `unknown` since its last attempt, and when to ask again (null: not again before it acts). */
	verifyTries: number;
	verifyRetryAt: number | null;
}

export interface Hold {
	downstream: string;
	until: number | null;
	/** When the step asks its breaker again, in case its release was lost (a hold journaled before rechecks were: at once). */
	recheckAt: number;
	/** How often it has been refused in a row: the rechecks back off. */
	refusals: number;
}

/** A step that waits for an event from outside, with a reminder and a deadline. */
export interface EventStep extends Common {
	kind: "event";
	/** Null for an event that arrived before the workflow started waiting for it. */
	deadline: number | null;
	remindAt: number | null;
	reminded: boolean;
	/** The alternatives a wait for any of several events takes; null: the step's own name is its event. */
	events: string[] | null;
	/** Which event came (of the alternatives, or the step's own); null while none has. */
	event: string | null;
}

export type StepState = CallStep | EventStep;

export const asCall = (step: StepState | undefined) => (step?.kind === "event" ? undefined : step);
export const asEvent = (step: StepState | undefined) => (step?.kind === "event" ? step : undefined);

/** A question not yet asked about a new doubt: what an attempt, a hold or a redrive starts from. */
const unasked = { verifyTries: 0, verifyRetryAt: null } as const;

export function existing<T>(step: T | undefined, name: string): T {
	if (!step) throw new Error(`journal names step ${name} before it started`);
	return step;
}

// Each transition builds the step's next value whole, so the compiler checks every field of it.

export function started(prev: StepState | undefined, e: EntryOf<"step_started">): CallStep {
	const before = asCall(prev);
	return {
		kind: e.kind,
		name: e.step,
		status: "running",
		attempts: e.attempt,
		budgetBase: before?.budgetBase ?? 0,
		probeRefunds: before?.probeRefunds ?? 0,
		slaStarted: (before?.slaStarted ?? false) || e.stuckAt !== undefined,
		holdDeadline: before?.holdDeadline ?? null,
		probing: e.probe ?? false,
		idempotencyKey: e.idempotencyKey,
		lastError: before?.lastError ?? null,
		outcomeUnknown: before?.outcomeUnknown ?? false,
		nextAttemptAt: null,
		inFlightUntil: e.timeoutAt,
		startedAt: before?.startedAt ?? e.at,
		finishedAt: null,
		stuckAt: e.stuckAt ?? before?.stuckAt ?? null,
		hold: null,
		admission: null,
		pinned: before?.pinned ?? e.pinned,
		verification: before?.verification ?? null,
		...unasked,
	};
}

export function succeeded(prev: StepState | undefined, e: EntryOf<"step_succeeded">): CallStep {
	const step = existing(asCall(prev), e.step);
	return {
		...step,
		status: "succeeded",
		result: e.result,
		finishedAt: e.at,
		nextAttemptAt: null,
		inFlightUntil: null,
		stuckAt: null,
		outcomeUnknown: false,
	};
}

/**
 * An attempt failed, or the step ended for good. An unknown outcome puts the step in doubt; only a
 * definitive answer under the same key (a success, or a permanent refusal) takes it out again: a
 * 429 or a 409 "key in use" says nothing about whether an earlier attempt took effect.
 */
export function failed(prev: StepState | undefined, e: EntryOf<"step_failed">): StepState {
	const final = e.retryAt === null;
	const event = asEvent(prev);
	if (event) return { ...event, status: "failed", lastError: e.error, finishedAt: e.at };
	const step = existing(asCall(prev), e.step);
	const doubt = e.error.kind === "unknown_outcome" ? true : e.error.kind === "permanent" ? false : step.outcomeUnknown;
	return {
		...step,
		status: final ? "failed" : "retrying",
		lastError: e.error,
		outcomeUnknown: doubt,
		nextAttemptAt: e.retryAt,
		inFlightUntil: null,
		finishedAt: final ? e.at : null,
		stuckAt: final ? null : step.stuckAt,
		hold: null,
		probing: false,
		// A failed probe found the service still down: the order's own budget is not charged for it.
		probeRefunds: e.probe ? step.probeRefunds + 1 : step.probeRefunds,
		// A new doubt is a new question: the service is asked again before the engine acts on it.
		...(e.error.kind === "unknown_outcome" ? unasked : {}),
	};
}

/**
 * Its service answered about its key. Applied: the step succeeded with that result, and nothing is sent
 * again. Absent: it never took effect and never will (the key is fenced), so it is no longer in doubt:
 * retried, or failed for good, as a definitive refusal would leave it. Unknown: still in doubt.
 */
export function verified(prev: StepState | undefined, e: EntryOf<"step_verified">): CallStep {
	const step = existing(asCall(prev), e.step);
	const asked = { ...step, verification: { at: e.at, answer: e.answer }, admission: null };
	if (e.answer === "unknown") return { ...asked, verifyTries: step.verifyTries + 1, verifyRetryAt: e.retryAt };
	if (e.answer === "absent") return { ...asked, ...unasked, outcomeUnknown: false };
	return {
		...asked,
		...unasked,
		status: "succeeded",
		result: e.result,
		outcomeUnknown: false,
		finishedAt: e.at,
		nextAttemptAt: null,
		inFlightUntil: null,
		stuckAt: null,
		hold: null,
	};
}

export function stuckReported(prev: StepState | undefined, name: string): CallStep {
	return { ...existing(asCall(prev), name), stuckAt: null };
}

/** A redrive: the step is due again now, with a fresh attempt budget (SLA and hold limit too) and the same key. */
export function redriven(prev: StepState | undefined, name: string, at: number): StepState {
	const step = existing(asCall(prev), name);
	return {
		...step,
		status: "retrying",
		nextAttemptAt: at,
		finishedAt: null,
		budgetBase: step.attempts,
		probeRefunds: 0,
		slaStarted: false,
		holdDeadline: null,
		...unasked,
	};
}

/** When the step next needs the alarm: the watchdog of an attempt in flight, a retry, a question again, its SLA, the end of a hold or its recheck, a reminder or a deadline. */
export function dueTimes(step: StepState): (number | null)[] {
	if (step.kind === "event") {
		if (step.status !== "waiting") return [];
		return [step.reminded || step.remindAt === null ? step.deadline : step.remindAt];
	}
	if (step.status === "running" && step.inFlightUntil !== null) return [step.inFlightUntil + WATCHDOG_GRACE_MS];
	// A question about a doubt that failed is asked again at its time, whatever the step's status.
	const asking = step.outcomeUnknown ? step.verifyRetryAt : null;
	if (step.status === "failed") return [asking];
	if (step.status === "retrying") return [step.nextAttemptAt, step.stuckAt, asking];
	if (step.status === "held") return [step.hold?.until ?? null, step.stuckAt, step.hold?.recheckAt ?? null];
	return [];
}
