import { z } from "zod";
import type { StepCall } from "./context";
import { PermanentError, RetryableError, UnknownOutcomeError } from "./errors";

/** The error body downstream services send: `{ code, message? }`, both optional. */
const Refusal = z.object({
	code: z.string().optional(),
	message: z.string().optional(),
});

/** `Retry-After` as delta-seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
	if (!header) return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * POSTs JSON to a downstream service with the step's idempotency key, and turns every way it can go
 * wrong into a classified error: 408, 429 and 5xx are retryable, other 4xx are business refusals
 * (permanent), and no answer at all is an unknown outcome.
 */
export async function postJson(url: string, body: unknown, call: StepCall): Promise<unknown> {
	let response: Response;
	try {
		response = await fetch(url, {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				"Idempotency-Key": call.idempotencyKey,
			},
			body: JSON.stringify(body),
			signal: call.signal,
		});
	} catch (cause) {
		const code = call.signal.aborted ? "timeout" : "network_error";
		throw new UnknownOutcomeError(code, `no answer from ${url} (${code})`, {
			cause,
		});
	}
	const payload: unknown = await response.json().catch(() => null);
	if (response.ok) return payload;
	const refusal = Refusal.safeParse(payload).data;
	const code = refusal?.code ?? `http_${response.status}`;
	const message = `${url} answered ${response.status}${refusal?.message ? `: ${refusal.message}` : ""}`;
	if (response.status === 408 || response.status === 429 || response.status >= 500) {
		throw new RetryableError(code, message, {
			retryAfterMs: parseRetryAfter(response.headers.get("Retry-After")),
		});
	}
	throw new PermanentError(code, message);
}
