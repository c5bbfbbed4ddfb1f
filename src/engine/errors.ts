import { z } from "zod";

/**
 * How a failed attempt is handled:
 * - `retryable`: the call did not take effect (408, 409 "key in use", 429); try again after a backoff.
 * - `permanent`: a definitive refusal (declined card, out of stock): it did not happen, and retrying cannot help.
 * - `unknown_outcome`: the call may have taken effect (5xx, an unreadable answer, a lost connection, a
 *   timeout); retry under the same idempotency key until a definitive answer settles it.
 */
export const ErrorKind = z.enum(["retryable", "permanent", "unknown_outcome"]);
export type ErrorKind = z.infer<typeof ErrorKind>;

/** Longest failure message the journal keeps, in characters: a downstream's body must not bloat a row. */
export const MAX_MESSAGE_LENGTH = 2_000;

/** A failed attempt as the journal keeps it. */
export const StepFailure = z.object({
	kind: ErrorKind,
	/** Stable, machine-readable: `card_declined`, `http_503`, `timeout`. */
	code: z.string(),
	message: z.string(),
});
export type StepFailure = z.infer<typeof StepFailure>;

interface StepErrorOptions {
	cause?: unknown;
	/** A lower bound on the next attempt's delay, from the downstream's `Retry-After`, in ms. */
	retryAfterMs?: number;
}

/**
 * Base of the errors a step action throws to tell the engine what happened.
 * `kind` and `code` survive serialization, where `instanceof` does not.
 */
export class StepError extends Error {
	override name = "StepError";
	readonly retryAfterMs: number | undefined;
	constructor(
		readonly kind: ErrorKind,
		readonly code: string,
		message: string,
		options: StepErrorOptions = {},
	) {
		super(message, { cause: options.cause });
		this.retryAfterMs = options.retryAfterMs;
	}
}

export class RetryableError extends StepError {
	override name = "RetryableError";
	constructor(code: string, message: string, options?: StepErrorOptions) {
		super("retryable", code, message, options);
	}
}

export class PermanentError extends StepError {
	override name = "PermanentError";
	constructor(code: string, message: string, options?: { cause?: unknown }) {
		super("permanent", code, message, options);
	}
}

export class UnknownOutcomeError extends StepError {
	override name = "UnknownOutcomeError";
	constructor(code: string, message: string, options?: StepErrorOptions) {
		super("unknown_outcome", code, message, options);
	}
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

function causes(error: unknown): unknown[] {
	const chain: unknown[] = [];
	for (let e = error; e !== undefined && chain.length < 10; e = (e as { cause?: unknown }).cause) {
		chain.push(e);
		if (!(e instanceof Error)) break;
	}
	return chain;
}

export const boundMessage = (message: string) =>
	message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;

/**
 * Classifies anything a step action threw. Walks the `cause` chain for a {@link StepError}; an
 * aborted or timed-out call is an unknown outcome. Anything else (a bug, a surprise from a library)
 * is an unknown outcome too: the action may have called out before it threw, so only a definitive
 * answer may count as "did not happen".
 */
export function classify(error: unknown): StepFailure & { retryAfterMs?: number } {
	for (const e of causes(error)) {
		if (e instanceof StepError)
			return { kind: e.kind, code: e.code, message: boundMessage(e.message), retryAfterMs: e.retryAfterMs };
		if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
			return { kind: "unknown_outcome", code: "timeout", message: boundMessage(e.message || "the attempt timed out") };
		}
	}
	const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	return { kind: "unknown_outcome", code: "unexpected_error", message: boundMessage(message) };
}
