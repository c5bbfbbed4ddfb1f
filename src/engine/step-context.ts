import { runCall } from "./attempts";
import { boundMessage, StepFailedForGood } from "./errors";
import type { Holds } from "./gate";
import { anyOf, undoStepName } from "./keys";
import { type RetryPolicy, retryPolicy, verifyPolicy } from "./retry-policy";
import type { Action, EventArrival, Json, Step, StepOptions, Verify, WaitOptions, Workflow } from "./steps";
import type { Store } from "./store";
import { waitForAny, waitForEvent } from "./waits";

/** A completed step with an undo: what compensation walks back, in reverse. */
export interface CompletedStep {
	name: string;
	undo: Action<unknown>;
	policy: RetryPolicy;
	downstream: string | undefined;
	/** The step's question, which its service answers about the undo's key too. */
	verify: Verify<unknown> | undefined;
	verifyPolicy: RetryPolicy;
}

/**
 * One replay of a workflow: the `step` object its code is written against. Completed steps return
 * their journaled result at once, so the workflow runs from the top on every wake and picks up
 * exactly where it stood.
 */
export class StepContext implements Step {
	readonly completed: CompletedStep[] = [];
	private readonly names: string[] = [];

	constructor(
		private readonly store: Store,
		private readonly defaults: RetryPolicy,
		private readonly holds: Holds,
		/** The workflow's declared events (see `Workflow.events`): a wait for several must be one of its sets. */
		private readonly events: Workflow<unknown>["events"],
	) {}

	async run<T extends Json>(name: string, action: Action<T>, options: StepOptions<T> = {}) {
		this.claim(name);
		const policy = retryPolicy(this.defaults, options.retry);
		const { undo, downstream, verify } = options;
		const asking = {
			verify: verify as Verify<unknown> | undefined,
			verifyPolicy: verifyPolicy(policy, options.verifyRetry),
		};
		const spec = { name, kind: "action" as const, policy, action, downstream, ...asking };
		const result = (await runCall(this.store, spec, this.holds)) as T;
		// Past the point of no return nothing is undone, so there is nothing to remember.
		if (undo && !this.store.state.committed) {
			const undoPolicy = retryPolicy(policy, options.undoRetry);
			this.completed.push({ name, undo: undo(result), policy: undoPolicy, downstream, ...asking });
		}
		return result;
	}

	async waitForEvent(name: string, options: WaitOptions): Promise<Json> {
		this.claim(name);
		return waitForEvent(this.store, name, options);
	}

	async waitForAny(names: readonly string[], options: WaitOptions): Promise<EventArrival> {
		const declared = (set: readonly string[]) => set.length === names.length && names.every((n) => set.includes(n));
		// Deliveries find their wait by the workflow's declaration: a set it does not declare would never be delivered.
		if (this.events && !this.events.some(declared))
			throw new Error(`waitForAny(${names.join(", ")}) is not one of the workflow's declared events`);
		this.claim(anyOf(names));
		return waitForAny(this.store, names, options);
	}

	fail(code: string, message: string): never {
		const step = this.names.at(-1) ?? "workflow";
		throw new StepFailedForGood(step, { kind: "permanent", code, message: boundMessage(message) });
	}

	/** Runs the undo of a completed step as a durable step of its own; compensation is what it is for, so it is never halted. */
	undo(done: CompletedStep): Promise<Json> {
		const { policy, downstream, verify, verifyPolicy } = done;
		const spec = { name: undoStepName(done.name), kind: "undo" as const, policy, action: done.undo, downstream };
		return runCall(this.store, { ...spec, verify, verifyPolicy }, this.holds);
	}

	private claim(name: string): void {
		// Replay maps journal entries to steps by name, so a name must mean one step.
		if (this.names.includes(name)) throw new Error(`step name "${name}" is used twice in one workflow`);
		this.names.push(name);
	}
}
