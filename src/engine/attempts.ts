import { boundMessage, classify, StepFailedForGood, type StepFailure, Suspended, UnknownOutcomeError } from "./errors";
import type { CallKind } from "./events";
import type { Holds } from "./gate";
import { idempotencyKey } from "./keys";
import { backoffDelay, type RetryPolicy } from "./retry-policy";
import { type CallStep, type StepState, WATCHDOG_GRACE_MS } from "./step-state";
import type { Json, StepCall } from "./steps";
import type { Store } from "./store";
import { traceparent } from "./trace";

/** Largest step result the journal keeps, in bytes of JSON; a larger one is a failed attempt. */
export const MAX_RESULT_BYTES = 16 * 1024;

/** A step that calls out, as the workflow declared it. */
export interface CallSpec {
	name: string;
	kind: CallKind;
	policy: RetryPolicy;
	action: (call: StepCall) => Promise<unknown>;
	/** The service it calls, whose breaker admits each attempt; none: always admitted. */
	downstream?: string;
}

const unknownFailure: StepFailure = { kind: "permanent", code: "unknown", message: "failed" };
const lostAttempt: StepFailure = {
	kind: "unknown_outcome",
	code: "attempt_lost",
	message: "the object restarted during the attempt",
};

const callStep = (store: Store, name: string) => {
	const step = store.state.steps.get(name);
	return step?.kind === "event" ? undefined : step;
};

/**
 * Runs a call step as far as it can go now: its journaled result at once if it has one; otherwise
 * attempts, journaling each intent, answer and retry time. Throws {@link StepFailedForGood} once it
 * has failed for good, {@link Suspended} while its next attempt is not yet due. A forward step never
 * starts while the workflow is cancelled or compensating.
 */
export async function runCall(store: Store, spec: CallSpec, holds: Holds): Promise<Json> {
	const lost = callStep(store, spec.name);
	// Runs are awaited one at a time, so an attempt still open when a run reaches it was cut off by a crash or eviction.
	if (lost?.status === "running" && lost.inFlightUntil !== null)
		fail(store, lost, lost.attempts, lostAttempt, spec.policy, lost.probing);
	for (;;) {
		const step = callStep(store, spec.name);
		if (step?.status === "succeeded") return step.result ?? null;
		if (step?.status === "failed") throw new StepFailedForGood(spec.name, step.lastError ?? unknownFailure);
		if (spec.kind === "action") haltIfStopped(store, spec.name, step);
		if (step?.status === "held" && endHoldIfOver(store, step)) continue;
		const notYet = step?.status === "retrying" && (step.nextAttemptAt ?? 0) > store.now();
		if (notYet || (step?.status === "held" && !holds.recheckDue(store.now()))) {
			if (step) reportIfStuck(store, step);
			throw new Suspended();
		}
		const probe = await admitted(store, spec, step, holds);
		// A cancel may have been accepted while the breaker was asked: it wins over the admission.
		const admittedStep = callStep(store, spec.name);
		if (spec.kind === "action") haltIfStopped(store, spec.name, admittedStep);
		await attemptOnce(store, spec, admittedStep, holds, probe);
	}
}

/**
 * Asks the step's breaker before an attempt, unless a release already let it go. Refused, the step
 * is held (journaled once) and the run suspends; admitted after a hold, the release is journaled.
 * Returns whether the attempt is the breaker's probe.
 */
async function admitted(store: Store, spec: CallSpec, step: CallStep | undefined, holds: Holds): Promise<boolean> {
	const { downstream } = spec;
	if (!downstream || step?.admission) return step?.admission === "probe";
	const now = store.now();
	const wasHeld = step?.status === "held";
	// Events accepted before the step are answered once durable: they must not wait for the breaker too.
	if (holds.asks(downstream, store.state.workflowId, wasHeld)) store.flush();
	store.checkpoint({ at: "admitting", step: spec.name });
	const admission = await holds.admit(downstream, store.state.workflowId, wasHeld, now);
	if (admission.admitted) {
		if (wasHeld) store.append({ type: "step_released", step: spec.name, probe: admission.probe });
		return admission.probe;
	}
	if (!wasHeld) {
		store.append({
			type: "step_held",
			step: spec.name,
			kind: spec.kind,
			idempotencyKey: idempotencyKey(store.state.workflowId, spec.name),
			downstream,
			reason: boundMessage(admission.reason),
			// An undo is never given up because of an outage; a forward step's limit runs from its budget's first hold.
			until: spec.kind === "undo" ? null : (step?.holdDeadline ?? now + spec.policy.maxHoldMs),
			stuckAt: step?.slaStarted ? undefined : now + spec.policy.stuckAfterMs,
		});
	}
	if (step) reportIfStuck(store, step);
	throw new Suspended();
}

/** A hold past its limit ends the step for good, as a failure to reach the service; true if it did. */
function endHoldIfOver(store: Store, step: CallStep): boolean {
	const hold = step.hold;
	if (hold?.until == null || store.now() < hold.until) return false;
	const error: StepFailure = {
		kind: "retryable",
		code: "downstream_unavailable",
		message: `${hold.downstream} stayed unavailable for the longest hold this step allows`,
	};
	store.append({ type: "step_failed", step: step.name, attempt: step.attempts, error, retryAt: null });
	return true;
}

async function attemptOnce(
	store: Store,
	spec: CallSpec,
	step: CallStep | undefined,
	holds: Holds,
	probe: boolean,
): Promise<void> {
	const { name, kind, policy } = spec;
	const now = store.now();
	const attempt = (step?.attempts ?? 0) + 1;
	const key = idempotencyKey(store.state.workflowId, name);
	const timeoutAt = now + policy.attemptTimeoutMs;
	// The SLA runs from the current budget's first attempt or hold (a redrive starts a new one).
	const stuckAt = step?.slaStarted ? undefined : now + policy.stuckAfterMs;
	store.append({
		type: "step_started",
		step: name,
		kind,
		attempt,
		idempotencyKey: key,
		timeoutAt,
		stuckAt,
		...(probe ? { probe } : {}),
	});
	// The intent is durable before the call leaves: the output gate holds the call until this write lands.
	store.flush();
	await store.alarm.setBy(timeoutAt + WATCHDOG_GRACE_MS);
	store.checkpoint({ at: "calling", step: name, attempt });
	const call = { idempotencyKey: key, attempt, traceparent: traceparent(store.state.workflowId, store.random) };
	const span = {
		"workflow.id": store.state.workflowId,
		"step.name": name,
		"step.attempt": attempt,
		"step.idempotency_key": key,
	};
	const { result, failure } = await store.trace(`step ${name}`, span, async (annotate) => {
		try {
			const value = toJson(await withTimeout(spec.action, call, policy));
			annotate("step.outcome", "success");
			return { result: value, failure: null };
		} catch (error) {
			const classified = classify(error);
			annotate("step.outcome", classified.kind);
			return { result: null, failure: classified };
		}
	});
	store.checkpoint({ at: "returned", step: name, attempt });
	if (spec.downstream) holds.report(spec.downstream, store.state.workflowId, failure, probe);
	const started = callStep(store, name);
	if (!started) return;
	if (failure) fail(store, started, attempt, failure, policy, probe);
	else store.append({ type: "step_succeeded", step: name, result });
}

function fail(
	store: Store,
	step: CallStep,
	attempt: number,
	failure: ReturnType<typeof classify>,
	policy: RetryPolicy,
	probe = false,
) {
	const { retryAfterMs, ...error } = failure;
	if (probe && error.kind !== "permanent") {
		// Still down: the step asks its breaker again at once, and is held again.
		store.append({ type: "step_failed", step: step.name, attempt, error, retryAt: store.now(), probe });
		return;
	}
	const used = attempt - step.budgetBase - step.probeRefunds;
	const final = error.kind === "permanent" || used >= policy.maxAttempts;
	const retryAt = final ? null : store.now() + backoffDelay(policy, used, store.random, retryAfterMs);
	store.append({ type: "step_failed", step: step.name, attempt, error, retryAt });
}

/** One alert per step and episode, while it keeps retrying past its SLA. */
function reportIfStuck(store: Store, step: CallStep): void {
	if (step.stuckAt === null || store.now() < step.stuckAt) return;
	store.append({ type: "step_stuck", step: step.name, since: step.startedAt ?? step.stuckAt, attempts: step.attempts });
}

/**
 * A cancelled or compensating workflow starts no new step. A step whose last attempt may have taken
 * effect keeps trying under its key until it learns the outcome, so compensation can undo it; a
 * cancelled step with nothing in doubt is given up.
 */
export function haltIfStopped(store: Store, name: string, step: StepState | undefined): void {
	const { state } = store;
	if (step?.kind !== "event" && step?.outcomeUnknown) return;
	if (state.cancellation) {
		const error: StepFailure = {
			kind: "permanent",
			code: "cancelled",
			message: boundMessage(state.cancellation.reason),
		};
		const attempt = step?.kind === "event" ? 0 : (step?.attempts ?? 0);
		if (step) store.append({ type: "step_failed", step: name, attempt, error, retryAt: null });
		throw new StepFailedForGood(name, error);
	}
	const failure = state.compensation;
	if (failure && !step)
		throw new StepFailedForGood(failure.step, { kind: "permanent", code: failure.code, message: failure.message });
}

function toJson(value: unknown): Json {
	const text = JSON.stringify(value ?? null);
	if (new TextEncoder().encode(text).byteLength > MAX_RESULT_BYTES)
		throw new UnknownOutcomeError("result_too_large", `the result is over ${MAX_RESULT_BYTES} bytes of JSON`);
	return JSON.parse(text);
}

async function withTimeout(
	action: CallSpec["action"],
	call: Omit<StepCall, "signal">,
	policy: RetryPolicy,
): Promise<unknown> {
	const signal = AbortSignal.timeout(policy.attemptTimeoutMs);
	// The race covers an action that ignores its signal: the attempt still ends at its timeout.
	const timedOut = new Promise<never>((_, reject) => {
		signal.addEventListener("abort", () => reject(signal.reason), { once: true });
	});
	return Promise.race([action({ ...call, signal }), timedOut]);
}
