import { createMiddleware } from "hono/factory";
import { platform } from "../ops/platform";
import type { AppEnv, Caller } from "./context";
import { clientAddress, countFailure, refuseIfLocked } from "./failed-auth";
import { type Key, parseKeys, sha256 } from "./keys";
import { ApiError } from "./problem";

/** Parsed keys per configured list, kept for the isolate's life: hashing every key on every request cost ~1 ms. */
const parsed = new Map<string, Promise<Key[]>>();

function keysOf(list: string | undefined, setting: string, withTenant: boolean): Promise<Key[]> {
	const source = `${setting}\n${list ?? ""}`;
	let keys = parsed.get(source);
	if (!keys) {
		keys = parseKeys(list ?? "", setting, withTenant);
		// A configuration error is thrown on every request until fixed, not cached as a rejection forever.
		keys.catch(() => parsed.delete(source));
		parsed.set(source, keys);
	}
	return keys;
}

/**
 * Finds the presented key among the client and operator keys. Every configured key is compared, in
 * constant time over fixed-length digests, so timing reveals neither which key matched nor how much.
 */
export async function identify(env: Env, presented: string): Promise<Caller | null> {
	const wanted = await sha256(presented);
	const lists = [
		["client", await keysOf(env.API_KEYS, "API_KEYS", true)],
		["operator", await keysOf(env.OPERATOR_KEYS, "OPERATOR_KEYS", false)],
	] as const;
	let caller: Caller | null = null;
	for (const [role, keys] of lists) {
		for (const key of keys) {
			if (crypto.subtle.timingSafeEqual(key.digest, wanted))
				caller = { role, tenant: role === "client" ? key.tenant : null, keyId: key.name };
		}
	}
	return caller;
}

/** The configured operator key of this name, if there still is one: a removed key's sessions end with it. */
export async function operatorKeyNamed(env: Env, name: string): Promise<Key | undefined> {
	return (await keysOf(env.OPERATOR_KEYS, "OPERATOR_KEYS", false)).find((key) => key.name === name);
}

/**
 * Requires `Authorization: Bearer <key>` with a key of one of `roles`: an unknown or missing key is 401,
 * a known key of another role is 403. Operator keys come from `OPERATOR_KEYS`, client keys from `API_KEYS`.
 * Failures are counted per client address: past the limit, 429 (see failed-auth.ts).
 */
export const requireKey = (...roles: Caller["role"][]) =>
	createMiddleware<AppEnv>(async (c, next) => {
		const address = clientAddress(c.req.raw);
		refuseIfLocked(address);
		const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
		const caller = presented ? await identify(c.env, presented) : null;
		if (!caller) {
			await countFailure(c.env, address);
			throw new ApiError(401, "unauthorized", "A valid key is required: Authorization: Bearer <key>.", {
				headers: { "WWW-Authenticate": 'Bearer realm="orders"' },
			});
		}
		if (!roles.includes(caller.role)) {
			throw new ApiError(403, "forbidden", `This needs an ${roles.join(" or ")} key; yours is a ${caller.role} key.`);
		}
		c.set("caller", caller);
		await withinRateLimit(c.env, caller);
		await next();
	});

/** The window of the `API_RATE_LIMIT` binding, in seconds: the longest a refused caller waits. */
const RATE_LIMIT_PERIOD_S = 10;

/**
 * Counts the request against its key's budget (the `API_RATE_LIMIT` binding, per key, never shared
 * with another key or tenant); past it, 429 with Retry-After. Only authenticated requests count, so
 * an unknown key cannot use up a real key's budget.
 */
export async function withinRateLimit(env: Env, caller: Caller): Promise<void> {
	platform.count("rate-limit", actorOf(caller));
	const { success } = await env.API_RATE_LIMIT.limit({ key: actorOf(caller) });
	if (success) return;
	throw new ApiError(
		429,
		"rate-limited",
		`Too many requests with this key; try again in ${RATE_LIMIT_PERIOD_S} seconds.`,
		{ headers: { "Retry-After": String(RATE_LIMIT_PERIOD_S) } },
	);
}

/** Client endpoints: placing and reading orders. Operators may use them too. */
export const requireApiKey = requireKey("client", "operator");
export const requireOperatorKey = requireKey("operator");

/** Who did it, for the audit trail: role, tenant and the key's configured name, never anything of the key. */
export const actorOf = (caller: Caller) =>
	caller.tenant === null ? `${caller.role}:${caller.keyId}` : `${caller.role}:${caller.tenant}:${caller.keyId}`;
