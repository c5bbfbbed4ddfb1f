import type { PickTarget } from "./schemas";

/** Where callbacks may go unless `ORCHESTRATOR_URL` says otherwise: the orchestrator of `npm run dev`. */
const DEFAULT_ORCHESTRATOR = "http://127.0.0.1:8787";

export class CallbackNotAllowed extends Error {
	override name = "CallbackNotAllowed";
}

/**
 * Calls the orchestrator's callback the way a warehouse app would: once the item is picked, or once it
 * knows it cannot be (`details` says why). Only the configured orchestrator's origin is called: a
 * deployed sandbox must not relay requests anywhere a shipment's callback URL names.
 */
export function deliverPick(
	target: PickTarget,
	orchestratorUrl = DEFAULT_ORCHESTRATOR,
	details: Record<string, string> = { pickedBy: "sandbox-warehouse", pickedAt: new Date().toISOString() },
): Promise<Response> {
	const allowed = new URL(orchestratorUrl).origin;
	if (URL.parse(target.callbackUrl)?.origin !== allowed)
		return Promise.reject(new CallbackNotAllowed(`callbacks go to ${allowed} only, not ${target.callbackUrl}`));
	return fetch(target.callbackUrl, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		redirect: "manual",
		body: JSON.stringify({ token: target.callbackToken, ...details }),
	});
}
