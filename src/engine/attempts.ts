import { callOut, toJson } from "./call";
import { boundMessage, classify, StepFailedForGood, type StepFailure, Suspended } from "./errors";
import type { Holds } from "./gate";
import { admitted, endHoldIfOver, type HoldSpec, reportIfStuck } from "./holding";
import { idempotencyKey } from "./keys";
import { backoffDelay, type RetryPolicy } from "./retry-policy";
import { type CallStep, type StepState, WATCHDOG_GRACE_MS } from "./step-state";
import type { Action, Json, StepCall } from "./steps";
import type { Store } from "./store";
import { traceparent } from "./trace";
import { type VerifySpec, verification, verifyStep } from "./verification";

/** A step that calls out, as the workflow declared it: its action, and how its service is asked about it in doubt. */
export interface CallSpec extends HoldSpec, VerifySpec {
	action: Action<unknown>;
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
 * attempts, journaling each intent, answer and retry time. Before it acts on a doubt (an attempt that
 * may have taken effect), it asks the step's service, if it can (verification.ts). Throws
 * {@link StepFailedForGood} once it has failed for good, {@link Suspended} while nothing is due yet.
 * A forward step never starts while the workflow is cancelled or compensating.
 */
export async function runCall(store: Store, spec: CallSpec, holds: Holds): Promise<Json> {
	const lost = callStep(store, spec.name);
	// Runs are awaited one at a time, so an attempt still open when a run reaches it was cut off by a crash or eviction.
	if (lost?.status === "running" && lost.inFlightUntil !== null)
		fail(store, lost, lost.attempts, lostAttempt, spec.policy, lost.probing);
	for (;;) {
		const step = callStep(store, spec.name);
		if (step?.status === "succeeded") return step.result ?? null;
		// Paused, or ended by a person during the run: nothing calls out (an attempt in flight finishes).
		if (store.state.paused || store.state.finished) {
			if (step?.admission === "probe" && spec.downstream) holds.abandonProbe(spec.downstream, store.state.workflowId);
			throw new Suspended();
		}
		const asking = verification(store, spec, step);
		if (step?.status === "failed") {
			// Failed for good in doubt: what its service says decides between going on, undoing, and a person.
			if (asking === null) throw new StepFailedForGood(spec.name, step.lastError ?? unknownFailure);
			if (asking === "later") throw new Suspended();
			await verifyStep(store, spec, step, holds, false);
			continue;
		}
		if (spec.kind === "action") haltUnlessDue(store, spec, step, holds, step?.admission === "probe");
		if (step?.status === "held" && endHoldIfOver(store, step)) continue;
		const now = store.now();
		const notYet = step?.status === "retrying" && (step.nextAttemptAt ?? 0) > now && asking !== "now";
		if (notYet || asking === "later" || (step?.status === "held" && (step.hold?.recheckAt ?? 0) > now)) {
			if (step) reportIfStuck(store, step);
			throw new Suspended();
		}
		const probe = await admitted(store, spec, step, holds);
		// Released just now, or still to ask: the question goes first, with the admission the attempt would have used.
		const asked = callStep(store, spec.name);
		if (asked && verification(store, spec, asked) === "now") {
			await verifyStep(store, spec, asked, holds, probe);
			continue;
		}
		const pinned = await pin(spec, callStep(store, spec.name));
		// A cancel may have been accepted while the breaker was asked: it wins over the admission.
		const admittedStep = callStep(store, spec.name);
		if (spec.kind === "action") haltUnlessDue(store, spec, admittedStep, holds, probe);
		await attemptOnce(store, spec, admittedStep, holds, probe, pinned);
	}
}

/** What the step's requests take from configuration: as journaled at its first attempt, or read now for it. */
type Pin = { pinned: Json | undefined; journal: boolean } | { failed: unknown };

async function pin(spec: CallSpec, step: CallStep | undefined): Promise<Pin> {
	if (step?.pinned !== undefined) return { pinned: step.pinned, journal: false };
	if (typeof spec.action === "function") return { pinned: undefined, journal: false };
	try {
		return { pinned: JSON.parse(JSON.stringify(await spec.action.pin())) as Json, journal: true };
	} catch (failed) {
		return { failed };
	}
}

/** Halts a stopped workflow's forward step; a probe admission it will not use goes back to its breaker at once. */
function haltUnlessDue(store: Store, spec: CallSpec, step: StepState | undefined, holds: Holds, probe: boolean): void {
	try {
		haltIfStopped(store, spec.name, step);
	} catch (error) {
		if (probe && spec.downstream) holds.abandonProbe(spec.downstream, store.state.workflowId);
		throw error;
	}
}

async function attemptOnce(
	store: Store,
	spec: CallSpec,
	step: CallStep | undefined,
	holds: Holds,
	probe: boolean,
	pinned: Pin,
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
		...("journal" in pinned && pinned.journal ? { pinned: pinned.pinned } : {}),
	});
	// The intent is durable before the call leaves: the output gate holds the call until this write lands.
	store.flush();
	await store.alarm.setBy(timeoutAt + WATCHDOG_GRACE_MS);
	if ("failed" in pinned) {
		// Nothing was sent: whatever the pin threw, the attempt did not take effect, and it is charged to the budget.
		const failure = classify(pinned.failed);
		if (probe && spec.downstream) holds.abandonProbe(spec.downstream, store.state.workflowId);
		const started = callStep(store, name);
		const notSent = failure.kind === "unknown_outcome" ? { ...failure, kind: "retryable" as const } : failure;
		if (started) fail(store, started, attempt, notSent, policy);
		return;
	}
	store.checkpoint({ at: "calling", step: name, attempt });
	const call = { idempotencyKey: key, attempt, traceparent: traceparent(store.state.workflowId, store.random) };
	const attributes = {
		"workflow.id": store.state.workflowId,
		"step.name": name,
		"step.attempt": attempt,
		"step.idempotency_key": key,
	};
	const send = spec.action;
	const action = typeof send === "function" ? send : (c: StepCall) => send.send(c, pinned.pinned ?? null);
	const span = { name: `step ${name}`, attributes, outcome: "step.outcome" };
	const { value: result, failure } = await callOut(store, span, policy.attemptTimeoutMs, async (signal) =>
		toJson(await action({ ...call, signal })),
	);
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

/**
 * A cancelled or compensating workflow starts no new step. A step whose last attempt may have taken
 * effect keeps trying under its key until it learns the outcome, so compensation can undo it; a
 * cancelled step with nothing in doubt is given up, and so is one a compensation finds no longer in
 * doubt (its service said it never took effect).
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
	if (!failure || step?.kind === "event") return;
	const error: StepFailure = { kind: "permanent", code: failure.code, message: failure.message };
	if (step && step.status !== "succeeded" && step.status !== "failed")
		store.append({ type: "step_failed", step: name, attempt: step.attempts, error, retryAt: null });
	throw new StepFailedForGood(failure.step, error);
}
