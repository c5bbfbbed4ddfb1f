import { ApiError } from "./problem";

/** The window of the `AUTH_FAILURE_LIMIT` binding, in seconds: how long an address that passed it waits. */
export const FAILURE_PERIOD_S = 60;

/** Addresses this isolate knows are past their limit, until when (ms); bounded, oldest forgotten first. */
const locked = new Map<string, number>();
const MAX_LOCKED = 10_000;

const tooMany = () =>
	new ApiError(
		429,
		"too-many-failed-attempts",
		`Too many failed attempts to authenticate from this address; try again in ${FAILURE_PERIOD_S} seconds.`,
		{ headers: { "Retry-After": String(FAILURE_PERIOD_S) } },
	);

/**
 * The client's address, as Cloudflare's edge sets it on every request from outside (a client cannot
 * choose it: the edge overwrites it). Null for a request from inside the account (a service binding,
 * another Worker's direct call, the tests' in-process requests): nothing is counted for those.
 */
export function clientAddress(request: Request): string | null {
	const address = request.headers.get("CF-Connecting-IP");
	return address && /^[0-9A-Fa-f:.]{2,45}$/.test(address) ? address : null;
}

/**
 * Refuses an address past its failure limit before any key, cookie or token is checked, so that a
 * guess made then is never even tried: a right guess gets the same 429 as a wrong one.
 */
export function refuseIfLocked(address: string | null, now = Date.now()): void {
	if (address === null) return;
	const until = locked.get(address);
	if (until === undefined) return;
	if (until > now) throw tooMany();
	locked.delete(address);
}

/**
 * Counts one failed authentication of `address` (the `AUTH_FAILURE_LIMIT` binding, per address).
 * Past the limit the address is locked in this isolate for the binding's window, and this attempt is
 * answered 429 instead of 401 or 403; other isolates lock it on its next failure there.
 */
export async function countFailure(env: Env, address: string | null, now = Date.now()): Promise<void> {
	if (address === null) return;
	const { success } = await env.AUTH_FAILURE_LIMIT.limit({ key: address });
	if (success) return;
	locked.delete(address);
	locked.set(address, now + FAILURE_PERIOD_S * 1000);
	if (locked.size > MAX_LOCKED) locked.delete(locked.keys().next().value as string);
	throw tooMany();
}
