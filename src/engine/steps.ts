import type { RetryPolicy } from "./retry-policy";

/**
 * A value that survives the journal's JSON round trip. Deliberately shallow: a recursive JSON type
 * defeats TypeScript's instantiation limits in RPC and response typing.
 */
export type Json = string | number | boolean | null | object;

/** What one attempt of a step gets: the key to send downstream and the signal that aborts it at its timeout. */
export interface StepCall {
	idempotencyKey: string;
	attempt: number;
	signal: AbortSignal;
	/** The W3C `traceparent` to send downstream: the workflow's trace id, this attempt's span. */
	traceparent: string;
}

/**
 * An action whose request takes something from configuration (a signing key, a callback URL). `pin`
 * reads it once, before the step's first attempt; the journal keeps it, and every attempt gets it back,
 * so a deploy between two attempts never changes what is sent under the step's key. A `pin` that
 * throws fails that attempt, as if its call had (classified the same way), with nothing sent.
 */
export interface PinnedAction<T, P extends Json = Json> {
	pin(): P | Promise<P>;
	send(call: StepCall, pinned: P): Promise<T>;
}

/** What a verification gets: the key asked about, the last attempt made under it (which an `absent` fences), and its signal. */
export interface VerifyCall {
	idempotencyKey: string;
	fence: number;
	signal: AbortSignal;
	traceparent: string;
}

/** A service's answer about a key: the request took effect, with its result; or it did not, and now never can (the key is fenced). */
export type Verified<T> = { answer: "applied"; result: T } | { answer: "absent" };

/**
 * Asks the step's service what became of a request under the call's key. Its contract: answer
 * `applied` with the result the call would have returned, or `absent` only once the service will
 * refuse, definitively, every request under the key up to the call's `fence`; throw when it cannot
 * tell (a failed question is an unknown answer, and the engine acts as it would without one).
 */
export type Verify<T> = (call: VerifyCall) => Promise<Verified<T>>;

/** What a step does on each attempt: one call, given its key and signal (and its pinned configuration, if it pins any). */
export type Action<T> = ((call: StepCall) => Promise<T>) | PinnedAction<T>;

export interface StepOptions<T> {
	/** The service the step (and its undo) calls: while its breaker is open or paused, the step is held, not attempted. */
	downstream?: string;
	/** Overrides of the engine's default policy for this step. */
	retry?: Partial<RetryPolicy>;
	/** Undoes the step once it has succeeded, if a later step fails for good before the point of no return. */
	undo?: (result: T) => Action<unknown>;
	/** Policy for the undo; defaults to the step's own. */
	undoRetry?: Partial<RetryPolicy>;
	/**
	 * Asks the step's service about its key while the step is in doubt: before retrying it, when its
	 * budget runs out, and when a cancel or compensation meets it. Its undo, which calls the same service
	 * under a key of its own, is asked the same way. Default: never asked; a doubt lasts until an answer.
	 */
	verify?: Verify<T>;
	/** Overrides of the verify policy (retry-policy.ts, `DEFAULT_VERIFY_POLICY`). */
	verifyRetry?: Partial<RetryPolicy>;
}

/** Which of a wait's events came, and what it carried. */
export interface EventArrival {
	event: string;
	payload: Json;
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
	run<T extends Json>(name: string, action: Action<T>, options?: StepOptions<T>): Promise<T>;
	/** Waits, across hours or days, for an event delivered from outside; fails with `timeoutCode` past the deadline. */
	waitForEvent(name: string, options: WaitOptions): Promise<Json>;
	/**
	 * Waits for the first of several events (the workflow declares them together in `events`): the first
	 * one accepted wins and is returned; the others are then refused, and so is the winner again with
	 * another payload. Fails with `timeoutCode` past the deadline.
	 */
	waitForAny(names: readonly string[], options: WaitOptions): Promise<EventArrival>;
	/** Fails the workflow for good at the step it last reached, with `code`: what is done is undone, as for any failure. */
	fail(code: string, message: string): never;
}

/** A workflow: its code, replayed from the top on every wake, and what it declares about itself. */
export interface Workflow<Input> {
	run(input: Input, step: Step): Promise<void>;
	/**
	 * The event whose acceptance is the point of no return: from the moment it is accepted (even
	 * before the workflow reaches its wait), nothing is cancelled or undone; a step that then fails
	 * for good is recorded for a person. Default: none.
	 */
	pointOfNoReturn?: string;
	/**
	 * The events from outside the workflow waits for, the alternatives of each wait together (a
	 * `waitForEvent` is a set of one). An event named in no set is refused; of a set, the first accepted
	 * wins, even before the workflow reaches its wait. Default: any event, each on its own.
	 */
	events?: readonly (readonly string[])[];
}
