import { runCall } from "./attempts";
import type { Holds } from "./gate";
import { undoStepName } from "./keys";
import { type RetryPolicy, retryPolicy } from "./retry-policy";
import type { Action, Json, Step, StepOptions, WaitOptions } from "./steps";
import type { Store } from "./store";
import { waitForEvent } from "./waits";

/** A completed step with an undo: what compensation walks back, in reverse. */
export interface CompletedStep {
	name: string;
	undo: Action<unknown>;
	policy: RetryPolicy;
	downstream: string | undefined;
}

/**
 * One replay of a workflow: the `step` object its code is written against. Completed steps return
 * their journaled result at once, so the workflow runs from the top on every wake and picks up
 * exactly where it stood.
 */
export class StepContext implements Step {
	readonly completed: CompletedStep[] = [];
	private readonly names = new Set<string>();

	constructor(
		private readonly store: Store,
		private readonly defaults: RetryPolicy,
		private readonly holds: Holds,
	) {}

	async run<T extends Json>(name: string, action: Action<T>, options: StepOptions<T> = {}) {
		this.claim(name);
		const policy = retryPolicy(this.defaults, options.retry);
		const { undo, downstream } = options;
		const result = (await runCall(this.store, { name, kind: "action", policy, action, downstream }, this.holds)) as T;
		// Past the point of no return nothing is undone, so there is nothing to remember.
		if (undo && !this.store.state.committed) {
			const undoPolicy = retryPolicy(policy, options.undoRetry);
			this.completed.push({ name, undo: undo(result), policy: undoPolicy, downstream });
		}
		return result;
	}

	async waitForEvent(name: string, options: WaitOptions): Promise<Json> {
		this.claim(name);
		return waitForEvent(this.store, name, options);
	}

	/** Runs the undo of a completed step as a durable step of its own; compensation is what it is for, so it is never halted. */
	undo(done: CompletedStep): Promise<Json> {
		const { policy, downstream } = done;
		return runCall(
			this.store,
			{ name: undoStepName(done.name), kind: "undo", policy, action: done.undo, downstream },
			this.holds,
		);
	}

	private claim(name: string): void {
		// Replay maps journal entries to steps by name, so a name must mean one step.
		if (this.names.has(name)) throw new Error(`step name "${name}" is used twice in one workflow`);
		this.names.add(name);
	}
}
