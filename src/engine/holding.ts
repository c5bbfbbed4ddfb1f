import { boundMessage, type StepFailure, Suspended } from "./errors";
import type { CallKind } from "./events";
import { type Holds, recheckDelay } from "./gate";
import { idempotencyKey } from "./keys";
import type { RetryPolicy } from "./retry-policy";
import type { CallStep } from "./step-state";
import type { Store } from "./store";

/** What holding a step needs to know of it: its name and kind, its policy, and the service it calls. */
export interface HoldSpec {
	name: string;
	kind: CallKind;
	policy: RetryPolicy;
	/** The service it calls, whose breaker admits each attempt; none: always admitted. */
	downstream?: string;
}

/**
 * Asks the step's breaker before an attempt, unless a release already let it go. Refused, the step
 * is held (journaled once) and the run suspends; admitted after a hold, the release is journaled.
 * Returns whether the attempt is the breaker's probe.
 */
export async function admitted(
	store: Store,
	spec: HoldSpec,
	step: CallStep | undefined,
	holds: Holds,
): Promise<boolean> {
	const { downstream } = spec;
	if (!downstream || step?.admission) return step?.admission === "probe";
	const wasHeld = step?.status === "held";
	// Events accepted before the step are answered once durable: they must not wait for the breaker too.
	// Nobody waiting, the entries ride with the step's intent (a row saved per step asked).
	if (store.awaited && holds.asks(downstream, store.state.workflowId, wasHeld)) store.flush();
	store.checkpoint({ at: "admitting", step: spec.name });
	const admission = await holds.admit(downstream, store.state.workflowId, wasHeld);
	const now = store.now();
	if (admission.admitted) {
		if (wasHeld) store.append({ type: "step_released", step: spec.name, probe: admission.probe });
		return admission.probe;
	}
	// Every refusal is journaled with the next recheck, so a lost release is made good after any restart.
	const refusals = wasHeld ? (step?.hold?.refusals ?? 0) + 1 : 0;
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
		recheckAt: now + recheckDelay(refusals),
	});
	if (step) reportIfStuck(store, step);
	throw new Suspended();
}

/** A hold past its limit ends the step for good, as a failure to reach the service; true if it did. */
export function endHoldIfOver(store: Store, step: CallStep): boolean {
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

/** One alert per step and episode, while it keeps retrying past its SLA. */
export function reportIfStuck(store: Store, step: CallStep): void {
	if (step.stuckAt === null || store.now() < step.stuckAt) return;
	store.append({ type: "step_stuck", step: step.name, since: step.startedAt ?? step.stuckAt, attempts: step.attempts });
}
