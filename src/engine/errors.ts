import { z } from "zod";

/**
 * How a failed attempt is handled:
 * - `retryable`: the call did not take effect (5xx, 429); try again after a backoff.
 * - `permanent`: a business refusal (declined card, out of stock); retrying cannot help.
 * - `unknown_outcome`: the call may have taken effect (timeout, lost connection); retry with the same idempotency key.
 */
export const ErrorKind = z.enum(["retryable", "permanent", "unknown_outcome"]);
export type ErrorKind = z.infer<typeof ErrorKind>;

/** A failed attempt as the journal keeps it. */
export const StepFailure = z.object({
	kind: ErrorKind,
	/** Stable, machine-readable: `card_declined`, `http_503`, `timeout`. */
	code: z.string(),
	message: z.string(),
});
export type StepFailure = z.infer<typeof StepFailure>;

/**
 * Base of the errors a step action throws to tell the engine what happened.
 * `kind` and `code` survive serialization, where `instanceof` does not.
 */
export class StepError extends Error {
	override name = "StepError";
	constructor(
		readonly kind: ErrorKind,
		readonly code: string,
		message: string,
		options?: { cause?: unknown; retryAfterMs?: number },
	) {
		super(message, { cause: options?.cause });
		this.retryAfterMs = options?.retryAfterMs;
	}
	/** A lower bound on the next attempt's delay, from the downstream's `Retry-After`. */
	readonly retryAfterMs: number | undefined;
}

export class RetryableError extends StepError {
	override name = "RetryableError";
	constructor(code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
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
	constructor(code: string, message: string, options?: { cause?: unknown }) {
		super("unknown_outcome", code, message, options);
	}
}

function causes(error: unknown): unknown[] {
	const chain: unknown[] = [];
	for (let e = error; e !== undefined && chain.length < 10; e = (e as { cause?: unknown }).cause) {
		chain.push(e);
		if (!(e instanceof Error)) break;
	}
	return chain;
}

/**
 * Classifies anything a step action threw. Walks the `cause` chain for a {@link StepError};
 * an aborted or timed-out call is an unknown outcome; anything else (a bug, a bad response body)
 * is retryable, so that a transient surprise never fails an order for good on its own.
 */
export function classify(error: unknown): StepFailure & { retryAfterMs?: number } {
	for (const e of causes(error)) {
		if (e instanceof StepError)
			return {
				kind: e.kind,
				code: e.code,
				message: e.message,
				retryAfterMs: e.retryAfterMs,
			};
		if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
			return {
				kind: "unknown_outcome",
				code: "timeout",
				message: e.message || "the attempt timed out",
			};
		}
	}
	const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	return { kind: "retryable", code: "unexpected_error", message };
}
