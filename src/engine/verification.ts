import { callOut, toJson } from "./call";
import type { StepFailure } from "./errors";
import type { CallKind } from "./events";
import type { Holds } from "./gate";
import { idempotencyKey } from "./keys";
import { backoffDelay, type RetryPolicy } from "./retry-policy";
import { type CallStep, WATCHDOG_GRACE_MS } from "./step-state";
import type { Json, Verified, Verify } from "./steps";
import type { Store } from "./store";
import { traceparent } from "./trace";

/** What asking about a step needs of it: its name, kind and service, its question, and the question's policy. */
export interface VerifySpec {
	name: string;
	kind: CallKind;
	downstream?: string;
	verify?: Verify<unknown>;
	verifyPolicy: RetryPolicy;
}

/**
 * Whether the step's service is asked about its key before the engine acts on the step's doubt: `now`,
 * `later` (a failed question is asked again at its time), or null (nothing in doubt, nothing to ask
 * with, or the questions ran out: the engine acts as it would without an answer). A doubt is acted on
 * when a retry is due (one question first, since the retry itself may learn the answer), when the
 * budget has run out, or when the workflow stopped (a cancel, a compensation) while a forward step
 * kept retrying only to learn what to undo; those last two ask with the question's own retries.
 */
export function verification(store: Store, spec: VerifySpec, step: CallStep | undefined): "now" | "later" | null {
	if (!spec.verify || !step?.outcomeUnknown) return null;
	if (step.status !== "retrying" && step.status !== "failed") return null;
	const now = store.now();
	if (step.status === "failed" || stopped(store, spec)) {
		if (step.verifyTries >= spec.verifyPolicy.maxAttempts) return null;
		return (step.verifyRetryAt ?? now) > now ? "later" : "now";
	}
	return step.verifyTries === 0 && (step.nextAttemptAt ?? now) <= now ? "now" : null;
}

const stopped = (store: Store, spec: VerifySpec) =>
	spec.kind === "action" && (store.state.cancellation !== null || store.state.compensation !== null);

/**
 * The question's own breaker accounting. Applied replaces the step's call: a definitive answer, counted
 * (and deciding a probe) as a success, as a refusal is. Absent counts for nothing: the attempt that
 * follows is the call that counts, and takes the probe again. A failed question counts against the
 * service, but never decides a probe: it goes back at once, for the attempt or another order to use.
 */
function reportQuestion(
	holds: Holds,
	downstream: string,
	workflowId: string,
	asked: { value: Verified<Json> | null; failure: StepFailure | null },
	probe: boolean,
): void {
	if (asked.value?.answer === "absent") return;
	if (asked.value) holds.report(downstream, workflowId, null, probe);
	else {
		holds.report(downstream, workflowId, asked.failure, false);
		if (probe) holds.abandonProbe(downstream, workflowId);
	}
}

/**
 * Asks the step's service what became of its key and journals the answer (see `verified` in
 * step-state.ts for what each does). The question fences every attempt made so far. A crash before
 * the answer is journaled only means asking again: the service answers the same (an absent key stays
 * fenced), so the question needs no intent row; the alarm covers its time.
 */
export async function verifyStep(store: Store, spec: VerifySpec, step: CallStep, holds: Holds, probe: boolean) {
	const { name, verify, verifyPolicy: policy } = spec;
	if (!verify) return;
	const workflowId = store.state.workflowId;
	const key = idempotencyKey(workflowId, name);
	const fence = step.attempts;
	const terminal = step.status === "failed" || stopped(store, spec);
	store.flush();
	await store.alarm.setBy(store.now() + policy.attemptTimeoutMs + WATCHDOG_GRACE_MS);
	store.checkpoint({ at: "calling", step: name, attempt: fence });
	const call = { idempotencyKey: key, fence, traceparent: traceparent(workflowId, store.random) };
	const attributes = {
		"workflow.id": workflowId,
		"step.name": name,
		"step.idempotency_key": key,
		"verify.fence": fence,
	};
	const span = { name: `verify ${name}`, attributes, outcome: "verify.answer" };
	const asked = await callOut(
		store,
		span,
		policy.attemptTimeoutMs,
		async (signal): Promise<Verified<Json>> => {
			const answer = await verify({ ...call, signal });
			return answer.answer === "applied" ? { answer: "applied", result: toJson(answer.result) } : answer;
		},
		(answer) => answer.answer,
	);
	store.checkpoint({ at: "returned", step: name, attempt: fence });
	if (spec.downstream) reportQuestion(holds, spec.downstream, workflowId, asked, probe);
	if (!store.state.steps.has(name)) return;
	if (asked.failure) {
		const { retryAfterMs, ...error } = asked.failure;
		const tries = step.verifyTries + 1;
		const again = terminal && tries < policy.maxAttempts;
		const retryAt = again ? store.now() + backoffDelay(policy, tries, store.random, retryAfterMs) : null;
		store.append({ type: "step_verified", step: name, answer: "unknown", fence, error, retryAt });
	} else store.append({ type: "step_verified", step: name, fence, retryAt: null, ...asked.value });
}
