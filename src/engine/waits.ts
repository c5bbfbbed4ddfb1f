import { haltIfStopped } from "./attempts";
import { StepFailedForGood, type StepFailure, Suspended } from "./errors";
import { anyOf } from "./keys";
import type { EventStep } from "./step-state";
import type { EventArrival, Json, WaitOptions } from "./steps";
import type { Store } from "./store";

const eventStep = (store: Store, name: string) => {
	const step = store.state.steps.get(name);
	return step?.kind === "event" ? step : undefined;
};

/** Waits for one event from outside: its payload (see {@link waitFor}). */
export function waitForEvent(store: Store, name: string, options: WaitOptions): Json {
	return waitFor(store, name, null, options).result ?? null;
}

/** Waits for the first of several events: which came, and its payload (see {@link waitFor}). */
export function waitForAny(store: Store, names: readonly string[], options: WaitOptions): EventArrival {
	const step = waitFor(store, anyOf(names), names, options);
	return { event: step.event ?? step.name, payload: step.result ?? null };
}

/**
 * Waits for an event from outside (or the first of `events`): the step at once if it has arrived
 * (early arrivals are kept); otherwise records the wait with its deadline and reminder, records each
 * when its time has come, and throws {@link Suspended} until the event or the deadline.
 */
function waitFor(store: Store, name: string, events: readonly string[] | null, options: WaitOptions): EventStep {
	let step = eventStep(store, name);
	if (step?.status === "succeeded") return step;
	if (step?.status === "failed") throw new StepFailedForGood(name, step.lastError ?? missed(name, options));
	haltIfStopped(store, name, step);
	const now = store.now();
	if (step?.deadline == null) {
		const remindAt = now + Math.round(options.timeoutMs * (options.remindAt ?? 0.5));
		const alternatives = events && events.length > 1 ? { events: [...events] } : {};
		store.append({ type: "event_waiting", step: name, deadline: now + options.timeoutMs, remindAt, ...alternatives });
		step = eventStep(store, name);
	}
	const deadline = step?.deadline ?? now;
	if (now >= deadline) {
		const error = missed(name, options);
		store.append({ type: "step_failed", step: name, attempt: 0, error, retryAt: null });
		throw new StepFailedForGood(name, error);
	}
	if (step && !step.reminded && step.remindAt !== null && now >= step.remindAt)
		store.append({ type: "event_reminder", step: name, deadline });
	throw new Suspended();
}

const missed = (name: string, options: WaitOptions): StepFailure => ({
	kind: "permanent",
	code: options.timeoutCode,
	message: `no ${name} event by the deadline`,
});
