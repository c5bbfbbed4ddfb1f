import type { PickTarget } from "./schemas";

/** Calls the orchestrator's callback the way a warehouse app would once the item is picked. */
export function deliverPick(target: PickTarget): Promise<Response> {
	return fetch(target.callbackUrl, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({
			token: target.callbackToken,
			pickedBy: "sandbox-warehouse",
			pickedAt: new Date().toISOString(),
		}),
	});
}
