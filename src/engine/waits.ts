import { haltIfStopped } from "./attempts";
import { StepFailedForGood, type StepFailure, Suspended } from "./errors";
import type { Json, WaitOptions } from "./steps";
import type { Store } from "./store";

const eventStep = (store: Store, name: string) => {
	const step = store.state.steps.get(name);
	return step?.kind === "event" ? step : undefined;
};

/**
 * Waits for an event from outside: its payload at once if it has arrived (early arrivals are kept);
 * otherwise records the wait with its deadline and reminder, records each when its time has come,
 * and throws {@link Suspended} until the event or the deadline.
 */
export function waitForEvent(store: Store, name: string, options: WaitOptions): Json {
	let step = eventStep(store, name);
	if (step?.status === "succeeded") return step.result ?? null;
	if (step?.status === "failed") throw new StepFailedForGood(name, step.lastError ?? missed(name, options));
	haltIfStopped(store, name, step);
	const now = store.now();
	if (step?.deadline == null) {
		const remindAt = now + Math.round(options.timeoutMs * (options.remindAt ?? 0.5));
		store.append({ type: "event_waiting", step: name, deadline: now + options.timeoutMs, remindAt });
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
