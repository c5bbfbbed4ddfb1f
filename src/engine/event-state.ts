import type { EntryOf } from "./events";
import { asEvent, type EventStep, existing, type StepState } from "./step-state";

// The transitions of a step that waits for an event from outside; step-state.ts has the call steps'.

const newEvent = (name: string): EventStep => ({
	kind: "event",
	name,
	status: "waiting",
	lastError: null,
	startedAt: null,
	finishedAt: null,
	deadline: null,
	remindAt: null,
	reminded: false,
	events: null,
	event: null,
});

export function waiting(prev: StepState | undefined, e: EntryOf<"event_waiting">): EventStep {
	const step = asEvent(prev) ?? newEvent(e.step);
	return {
		...step,
		status: "waiting",
		deadline: e.deadline,
		remindAt: e.remindAt,
		startedAt: step.startedAt ?? e.at,
		events: e.events ?? null,
	};
}

export function reminded(prev: StepState | undefined, name: string): EventStep {
	return { ...existing(asEvent(prev), name), reminded: true };
}

/** The event came (before the workflow waited for it, or while it waits): the step succeeded with its payload. */
export function received(prev: StepState | undefined, e: EntryOf<"event_received">): EventStep {
	const step = asEvent(prev) ?? newEvent(e.step);
	return {
		...step,
		status: "succeeded",
		result: e.payload,
		event: e.event ?? e.step,
		startedAt: step.startedAt ?? e.at,
		finishedAt: e.at,
	};
}
