import { z } from "zod";
import { PermanentError, RetryableError, UnknownOutcomeError } from "./errors";
import type { StepCall, Verified, VerifyCall } from "./steps";

/** Longest excerpt of a downstream's error message kept, in characters. */
const MAX_REFUSAL_MESSAGE = 500;

/**
 * The error body downstream services send: `{ code, message? }`, both optional, both outside text,
 * bounded here before anything journals, queues or shows them. A code that is not a short identifier
 * (a URL, 300 KB) is dropped; the message is kept as a one-line excerpt.
 */
const Refusal = z.object({
	code: z
		.string()
		.regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/)
		.optional()
		.catch(undefined),
	message: z
		.string()
		.transform((text) => text.slice(0, MAX_REFUSAL_MESSAGE).replace(/\p{Cc}+/gu, " "))
		.optional()
		.catch(undefined),
});

const UNREADABLE = Symbol("unreadable");

/**
 * Statuses that say "not processed, try again later": our credentials were refused (a key rotated on one
 * side only), request timeout, key in use, rate limited. None says anything about an earlier attempt.
 */
const NOT_PROCESSED = new Set([401, 403, 408, 409, 429]);

/**
 * Refusal codes that prove an earlier request under the same key exists (it came with another body):
 * whatever became of it is unknown, so such a refusal never settles a step in doubt.
 */
const KEY_REUSED = new Set(["idempotency_key_reused", "idempotency_error"]);

/** `Retry-After` as delta-seconds or an HTTP date, in ms from now; the retry policy caps it. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
	if (!header) return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * POSTs JSON to a downstream service with the step's idempotency key and reads the answer with
 * `schema`. Every way it can go wrong becomes a classified error (the table in the README):
 * 401, 403, 408, 409 and 429 were not processed (retryable); other 4xx are definitive refusals
 * (permanent), but for one saying the key was used with another body; that one, a 5xx, a 2xx whose
 * body cannot be read, a lost connection and a timeout may all have taken effect (unknown outcome).
 */
export async function postJson<T>(
	url: string,
	body: unknown,
	call: StepCall,
	schema: z.ZodType<T>,
	headers: Record<string, string> = {},
): Promise<T> {
	// The attempt's number lets a service that fenced the key (see verifyJson) refuse an older copy still on its way.
	const sent = { ...headers, "Idempotency-Key": call.idempotencyKey, "Idempotency-Attempt": String(call.attempt) };
	const { status, payload, response } = await post(url, body, sent, call);
	if (response.ok) {
		const parsed = schema.safeParse(payload);
		if (parsed.success) return parsed.data;
		throw new UnknownOutcomeError(
			"unreadable_response",
			`${url} answered ${status} with a body that is not the documented one`,
		);
	}
	const refusal = Refusal.safeParse(payload).data;
	const code = refusal?.code ?? `http_${status}`;
	const message = `${url} answered ${status}${refusal?.message ? `: ${refusal.message}` : ""}`;
	const retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"));
	if (status >= 500 || KEY_REUSED.has(code)) throw new UnknownOutcomeError(code, message, { retryAfterMs });
	if (NOT_PROCESSED.has(status)) throw new RetryableError(code, message, { retryAfterMs });
	throw new PermanentError(code, message);
}

/** The verify contract's answer: `applied` with the answer the request got, or `absent` with the key fenced. */
const Answer = z.discriminatedUnion("outcome", [
	z.object({ outcome: z.literal("applied"), result: z.unknown() }),
	z.object({ outcome: z.literal("absent"), fenced: z.literal(true) }),
]);

/**
 * Asks a service (the verify contract, in the README) what became of the request under the call's
 * key: POST `url` with `Idempotency-Key` and `Idempotency-Fence` (the last attempt made), expecting 200
 * and `{ outcome: "applied", result }` (read with `schema`) or `{ outcome: "absent", fenced: true }`.
 * Anything else, an absent the service does not say it fenced included, is a failed question: thrown
 * as an unknown outcome, so the engine acts as it would without an answer.
 */
export async function verifyJson<T>(
	url: string,
	body: unknown,
	call: VerifyCall,
	schema: z.ZodType<T>,
	headers: Record<string, string> = {},
): Promise<Verified<T>> {
	const sent = { ...headers, "Idempotency-Key": call.idempotencyKey, "Idempotency-Fence": String(call.fence) };
	const { status, payload } = await post(url, body, sent, call);
	const answer = status === 200 ? Answer.safeParse(payload).data : undefined;
	if (answer?.outcome === "absent") return { answer: "absent" };
	const result = answer && schema.safeParse(answer.result);
	if (result?.success) return { answer: "applied", result: result.data };
	const code = status === 200 ? "unreadable_response" : (Refusal.safeParse(payload).data?.code ?? `http_${status}`);
	throw new UnknownOutcomeError(code, `${url} could not tell what became of ${call.idempotencyKey} (${status})`);
}

/** POSTs JSON and reads the answer's JSON; a call that gets no answer, or a cut-off one when it timed out, may have taken effect. */
async function post(
	url: string,
	body: unknown,
	headers: Record<string, string>,
	call: { signal: AbortSignal; traceparent: string },
): Promise<{ status: number; payload: unknown; response: Response }> {
	const outcome = () => (call.signal.aborted ? "timeout" : "connection_lost");
	let response: Response;
	try {
		response = await fetch(url, {
			method: "POST",
			headers: { ...headers, "Content-Type": "application/json", traceparent: call.traceparent },
			body: JSON.stringify(body),
			signal: call.signal,
		});
	} catch (cause) {
		throw new UnknownOutcomeError(outcome(), `no answer from ${url} (${outcome()})`, { cause });
	}
	let payload: unknown = UNREADABLE;
	try {
		payload = await response.json();
	} catch {
		// A body cut off or not JSON: for a 2xx the effect may exist all the same.
		if (call.signal.aborted) throw new UnknownOutcomeError("timeout", `${url} did not finish its answer in time`);
	}
	return { status: response.status, payload, response };
}
