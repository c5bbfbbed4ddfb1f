/**
 * The baselines' one way to call a downstream service: a JSON POST carrying the step's
 * Idempotency-Key, as the orchestrator sends it, so the sandbox does the same work for every system.
 */

/** A business refusal (4xx other than 408 and 429): retrying with the same key cannot change the answer. */
export class Refused extends Error {
	override name = "Refused";
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

const Created = (payload: unknown): { id: string } => {
	const id = (payload as { id?: unknown } | null)?.id;
	if (typeof id !== "string") throw new Error(`expected { id } in the answer, got ${JSON.stringify(payload)}`);
	return { id };
};

/** Throws {@link Refused} for refusals and a plain Error for what a retry may fix (5xx, 408, 429, no answer). */
export async function post(
	url: string,
	body: unknown,
	idempotencyKey: string,
	timeoutMs: number,
): Promise<{ id: string }> {
	const response = await fetch(url, {
		method: "POST",
		headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const payload: unknown = await response.json().catch(() => null);
	if (response.ok) return Created(payload);
	const code = (payload as { code?: unknown } | null)?.code;
	const message = `${url} answered ${response.status}${typeof code === "string" ? ` (${code})` : ""}`;
	if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(message);
	throw new Refused(response.status, typeof code === "string" ? code : `http_${response.status}`, message);
}
