/**
 * The one place step names turn into idempotency keys. A key depends only on the workflow id and
 * the step, never on the attempt, so every retry, crash recovery and redrive sends the same key.
 */
export function idempotencyKey(workflowId: string, step: string): string {
	return `${workflowId}:${step}`;
}

/** The compensation of `step` is a step of its own, with its own journal entry and key. */
export function undoStepName(step: string): string {
	return `${step}:undo`;
}

/**
 * The step of a wait for the first of several events: one step, named by its alternatives, so that
 * whichever comes (even before the workflow waits) lands on it. A wait for one event is named by it.
 */
export function anyOf(events: readonly string[]): string {
	return events.join("|");
}
