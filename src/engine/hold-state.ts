import type { EntryOf } from "./events";
import { asCall, type CallStep, existing, type StepState } from "./step-state";

// The transitions of a call step its breaker holds and releases; step-state.ts has the others.

/** The step's downstream is open or paused: it waits, without using an attempt, until released. */
export function held(prev: StepState | undefined, e: EntryOf<"step_held">): CallStep {
	const before = asCall(prev);
	return {
		kind: e.kind,
		name: e.step,
		status: "held",
		attempts: before?.attempts ?? 0,
		budgetBase: before?.budgetBase ?? 0,
		probeRefunds: before?.probeRefunds ?? 0,
		slaStarted: (before?.slaStarted ?? false) || e.stuckAt !== undefined,
		holdDeadline: before?.holdDeadline ?? e.until,
		probing: false,
		idempotencyKey: e.idempotencyKey,
		lastError: before?.lastError ?? null,
		outcomeUnknown: before?.outcomeUnknown ?? false,
		nextAttemptAt: null,
		inFlightUntil: null,
		startedAt: before?.startedAt ?? e.at,
		finishedAt: null,
		stuckAt: e.stuckAt ?? before?.stuckAt ?? null,
		hold: {
			downstream: e.downstream,
			until: e.until,
			recheckAt: e.recheckAt ?? e.at,
			refusals: before?.status === "held" ? (before.hold?.refusals ?? 0) + 1 : 0,
		},
		admission: null,
		pinned: before?.pinned,
		verification: before?.verification ?? null,
		verifyTries: before?.verifyTries ?? 0,
		verifyRetryAt: before?.verifyRetryAt ?? null,
	};
}

/** Released by its downstream: due now, admitted without asking again. */
export function released(prev: StepState | undefined, e: EntryOf<"step_released">): CallStep {
	const step = existing(asCall(prev), e.step);
	const admission = e.probe ? "probe" : "released";
	return { ...step, status: "retrying", nextAttemptAt: e.notBefore ?? e.at, hold: null, admission };
}
