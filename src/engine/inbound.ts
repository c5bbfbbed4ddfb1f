import type { JournalEvent } from "./events";
import type { Delivery } from "./host";
import type { WorkflowState } from "./state";
import type { Json } from "./steps";

/**
 * What an event delivered from outside (a human step's callback) does: the answer, and what to journal.
 * A redelivery is a duplicate; an event after the end, or past its step's deadline, is gone (`late`: the
 * run should record the missed deadline now); one that arrives before the workflow waits for it is kept.
 * The workflow's point-of-no-return event commits it in the same entry.
 */
export function planDelivery(
	state: WorkflowState,
	name: string,
	payload: Json,
	now: number,
	pointOfNoReturn: string | undefined,
): { delivery: Delivery; events: JournalEvent[]; late?: boolean } {
	if (!state.started) return { delivery: "not_found", events: [] };
	const step = state.steps.get(name);
	if (step?.status === "succeeded") return { delivery: "duplicate", events: [] };
	if (state.finished || state.compensation || state.cancellation || step?.status === "failed")
		return { delivery: "gone", events: [] };
	if (step?.kind === "event" && step.deadline !== null && now >= step.deadline)
		return { delivery: "gone", events: [], late: true };
	const events: JournalEvent[] = [{ type: "event_received", step: name, payload }];
	if (name === pointOfNoReturn && !state.committed) events.push({ type: "point_of_no_return" });
	return { delivery: "accepted", events };
}

/**
 * What a breaker's release of `downstream` journals: every step it holds goes on from `notBefore` (its
 * slot in a release wave), or, for the probe, only the step a run reaches first. None: nothing waits for it.
 */
export function planRelease(
	state: WorkflowState,
	downstream: string,
	probe: boolean,
	notBefore: number | undefined,
	now: number,
): JournalEvent[] {
	if (!state.started || state.finished) return [];
	const held = state.heldBy(downstream);
	const steps = probe ? held.slice(0, 1) : held;
	const at = notBefore !== undefined && notBefore > now ? { notBefore } : {};
	return steps.map((step) => ({ type: "step_released", step: step.name, probe, ...at }));
}
