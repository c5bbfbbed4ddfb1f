import type { JournalEvent } from "./events";
import type { Delivery } from "./host";
import { anyOf } from "./keys";
import type { WorkflowState } from "./state";
import type { Json, Workflow } from "./steps";

/** Whether a wait that an event already ended takes `name` with `payload` as that event again. */
function repeats(
	step: { event?: string | null; result?: Json },
	group: readonly string[],
	name: string,
	payload: Json,
) {
	// A wait for one event: a repeat is that event again, whatever it carries (as before waits for several).
	if (group.length === 1) return true;
	return step.event === name && JSON.stringify(step.result) === JSON.stringify(payload);
}

/**
 * What an event delivered from outside (a human step's callback) does: the answer, and what to journal.
 * A redelivery is a duplicate; an event after the end, or past its step's deadline, is gone (`late`: the
 * run should record the missed deadline now); one that arrives before the workflow waits for it is kept.
 * Of a wait's alternatives (the workflow's declared `events`), the first accepted wins: the others are
 * gone, and so is the winner again with another payload; an event the workflow never waits for is gone.
 * The workflow's point-of-no-return event commits it in the same entry.
 */
export function planDelivery(
	state: WorkflowState,
	name: string,
	payload: Json,
	now: number,
	workflow: Pick<Workflow<unknown>, "events" | "pointOfNoReturn"> | undefined,
): { delivery: Delivery; events: JournalEvent[]; late?: boolean } {
	if (!state.started) return { delivery: "not_found", events: [] };
	const group = workflow?.events ? workflow.events.find((set) => set.includes(name)) : [name];
	if (!group) return { delivery: "gone", events: [] };
	const stepName = anyOf(group);
	const step = state.steps.get(stepName);
	if (step?.status === "succeeded") {
		const event = step.kind === "event" ? step : {};
		return { delivery: repeats(event, group, name, payload) ? "duplicate" : "gone", events: [] };
	}
	if (state.finished || state.compensation || state.cancellation || step?.status === "failed")
		return { delivery: "gone", events: [] };
	if (step?.kind === "event" && step.deadline !== null && now >= step.deadline)
		return { delivery: "gone", events: [], late: true };
	const which = group.length > 1 ? { event: name } : {};
	const events: JournalEvent[] = [{ type: "event_received", step: stepName, payload, ...which }];
	if (name === workflow?.pointOfNoReturn && !state.committed) events.push({ type: "point_of_no_return" });
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
