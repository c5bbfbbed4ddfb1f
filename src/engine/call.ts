import { boundMessage, classify, type StepFailure, UnknownOutcomeError } from "./errors";
import type { Json } from "./steps";
import type { Store } from "./store";

/** Largest step result the journal keeps, in bytes of JSON; a larger one is a failed attempt. */
export const MAX_RESULT_BYTES = 16 * 1024;

/** A failed call, classified: what the journal keeps, and the downstream's `Retry-After` if it sent one. */
export type CallFailure = StepFailure & { retryAfterMs?: number };

/** A value as the journal will hold it: JSON, within {@link MAX_RESULT_BYTES}. */
export function toJson(value: unknown): Json {
	const text = JSON.stringify(value ?? null);
	if (new TextEncoder().encode(text).byteLength > MAX_RESULT_BYTES)
		throw new UnknownOutcomeError("result_too_large", `the result is over ${MAX_RESULT_BYTES} bytes of JSON`);
	return JSON.parse(text);
}

/** `send`, given a signal that aborts at `timeoutMs`; the race also ends a call that ignores its signal. */
function withTimeout<T>(send: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
	const signal = AbortSignal.timeout(timeoutMs);
	const timedOut = new Promise<never>((_, reject) => {
		signal.addEventListener("abort", () => reject(signal.reason), { once: true });
	});
	return Promise.race([send(signal), timedOut]);
}

/**
 * One call out of the object (an attempt, a question about a key), in a span of its own: what it
 * returned, or how it failed, classified, with what a downstream said redacted and bounded before
 * anything keeps it. `outcome` names the span attribute the result is told in.
 */
export function callOut<T>(
	store: Store,
	span: { name: string; attributes: Record<string, string | number>; outcome: string },
	timeoutMs: number,
	send: (signal: AbortSignal) => Promise<T>,
	told: (value: T) => string = () => "success",
): Promise<{ value: T; failure: null } | { value: null; failure: CallFailure }> {
	return store.trace(span.name, span.attributes, async (annotate) => {
		try {
			const value = await withTimeout(send, timeoutMs);
			annotate(span.outcome, told(value));
			return { value, failure: null };
		} catch (error) {
			const classified = classify(error);
			annotate(span.outcome, classified.kind);
			return { value: null, failure: { ...classified, message: boundMessage(store.redact(classified.message)) } };
		}
	});
}
