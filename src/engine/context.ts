import type { StepFailure } from "./errors";
import { type RetryPolicy, retryPolicy } from "./retry-policy";

/**
 * A value that survives the journal's JSON round trip. Deliberately shallow: a recursive JSON type
 * defeats TypeScript's instantiation limits in RPC and response typing.
 */
export type Json = string | number | boolean | null | object;

/** What one attempt of a step gets: the key to send downstream and the signal that aborts it at its timeout. */
export interface StepCall {
	idempotencyKey: string;
	attempt: number;
	/** When the step's first attempt started: stable across retries, so bodies built from it stay identical. */
	firstAttemptAt: number;
	signal: AbortSignal;
}

export interface StepOptions<T> {
	/** Overrides of the engine's default policy for this step. */
	retry?: Partial<RetryPolicy>;
	/** Undoes the step once it has succeeded, if a later step fails for good before the point of no return. */
	undo?: (result: T, call: StepCall) => Promise<unknown>;
	/** Policy for the undo; defaults to the step's own. */
	undoRetry?: Partial<RetryPolicy>;
}

export interface WaitOptions {
	/** How long the event may take, in ms from when the workflow starts waiting. */
	timeoutMs: number;
	/** The failure code when the deadline passes; the workflow then compensates. */
	timeoutCode: string;
	/** When to record a reminder, as a fraction of the timeout. Default 0.5. */
	remindAt?: number;
}

/** The `step` object a workflow is written against. */
export interface Step {
	/** Runs `action` once, durably: retried per policy, never again once it has succeeded. */
	run<T extends Json>(name: string, action: (call: StepCall) => Promise<T>, options?: StepOptions<T>): Promise<T>;
	/** Waits, across hours or days, for an event delivered from outside; fails with `timeoutCode` past the deadline. */
	waitForEvent(name: string, options: WaitOptions): Promise<Json>;
	/** From here on the outcome is committed: a step that fails for good is recorded, never compensated. */
	pointOfNoReturn(): void;
}

export type Workflow<Input> = (input: Input, step: Step) => Promise<void>;

/** The durable primitives a {@link StepContext} is built on; the engine provides them. */
export interface StepExecutor {
	attempt(name: string, action: (call: StepCall) => Promise<unknown>, policy: RetryPolicy): Promise<Json>;
	waitForEvent(name: string, options: WaitOptions): Promise<Json>;
	/** Records the point of no return, or throws if the workflow was stopped before reaching it. */
	commit(): void;
}

export interface CompletedStep {
	name: string;
	undo: (call: StepCall) => Promise<unknown>;
	policy: RetryPolicy;
}

/** Thrown through the workflow when a step failed for good; never seen by business code that has no try/catch. */
export class StepFailedForGood extends Error {
	override name = "StepFailedForGood";
	constructor(
		readonly step: string,
		readonly failure: StepFailure,
	) {
		super(`${step} failed for good: ${failure.message}`);
	}
}

/** Thrown through the workflow when it must wait for a timer or an event; the run ends and an alarm resumes it. */
export class Suspended extends Error {
	override name = "Suspended";
}

/**
 * One replay of a workflow. Completed steps return their journaled result at once, so the
 * workflow function runs from the top each time and picks up exactly where it stood.
 */
export class StepContext implements Step {
	/** Completed steps with an undo, in order: what compensation walks back. */
	readonly completed: CompletedStep[] = [];
	committed = false;
	private readonly names = new Set<string>();

	constructor(
		private readonly executor: StepExecutor,
		private readonly defaults: RetryPolicy,
	) {}

	async run<T extends Json>(name: string, action: (call: StepCall) => Promise<T>, options: StepOptions<T> = {}) {
		this.claim(name);
		const policy = retryPolicy(this.defaults, options.retry);
		const result = (await this.executor.attempt(name, action, policy)) as T;
		const { undo } = options;
		if (undo && !this.committed) {
			this.completed.push({
				name,
				undo: (call) => undo(result, call),
				policy: retryPolicy(policy, options.undoRetry),
			});
		}
		return result;
	}

	async waitForEvent(name: string, options: WaitOptions): Promise<Json> {
		this.claim(name);
		return this.executor.waitForEvent(name, options);
	}

	pointOfNoReturn(): void {
		this.executor.commit();
		this.committed = true;
	}

	private claim(name: string): void {
		// Replay maps journal entries to steps by name, so a name must mean one step.
		if (this.names.has(name)) throw new Error(`step name "${name}" is used twice in one workflow`);
		this.names.add(name);
	}
}
