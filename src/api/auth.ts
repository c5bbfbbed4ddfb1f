import { createMiddleware } from "hono/factory";
import type { AppEnv, Caller } from "./context";
import { ApiError } from "./problem";

const encoder = new TextEncoder();
const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

interface Key {
	id: string;
	secretDigest: Uint8Array;
}

/** `name:key` names a key for the audit trail; a bare key is named by its digest. */
async function parseKeys(list: string): Promise<Key[]> {
	const entries = list
		.split(",")
		.map((k) => k.trim())
		.filter(Boolean);
	return Promise.all(
		entries.map(async (entry) => {
			const colon = entry.indexOf(":");
			const secretDigest = await digest(colon > 0 ? entry.slice(colon + 1) : entry);
			const id = colon > 0 ? entry.slice(0, colon) : `key-${hex(secretDigest).slice(0, 8)}`;
			return { id, secretDigest };
		}),
	);
}

/** Parsed keys per configured list, kept for the isolate's life: hashing every key on every request cost ~1 ms. */
const parsedKeys = new Map<string, Promise<Key[]>>();

function keysOf(list: string | undefined): Promise<Key[]> {
	const source = list ?? "";
	let keys = parsedKeys.get(source);
	if (!keys) {
		keys = parseKeys(source);
		parsedKeys.set(source, keys);
	}
	return keys;
}

/**
 * Finds the presented key among the operator keys and the client keys. Every configured key is compared,
 * in constant time over fixed-length digests, so timing reveals neither which key matched nor how much.
 */
async function identify(env: Env, presented: string): Promise<Caller | null> {
	const wanted = await digest(presented);
	let caller: Caller | null = null;
	for (const [role, list] of [
		["client", env.API_KEYS],
		["operator", env.OPERATOR_KEYS],
	] as const) {
		for (const key of await keysOf(list)) {
			if (crypto.subtle.timingSafeEqual(key.secretDigest, wanted)) caller = { role, keyId: key.id };
		}
	}
	return caller;
}

/**
 * Requires `Authorization: Bearer <key>` with a key of one of `roles`: an unknown or missing key is 401,
 * a known key of another role is 403. Operator keys come from `OPERATOR_KEYS`, client keys from `API_KEYS`.
 */
export const requireKey = (...roles: Caller["role"][]) =>
	createMiddleware<AppEnv>(async (c, next) => {
		const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
		const caller = presented ? await identify(c.env, presented) : null;
		if (!caller) {
			throw new ApiError(401, "unauthorized", "A valid key is required: Authorization: Bearer <key>.", {
				headers: { "WWW-Authenticate": 'Bearer realm="orders"' },
			});
		}
		if (!roles.includes(caller.role)) {
			throw new ApiError(403, "forbidden", `This needs an ${roles.join(" or ")} key; yours is a ${caller.role} key.`);
		}
		c.set("caller", caller);
		await next();
	});

/** Client endpoints: placing and reading orders. Operators may use them too. */
export const requireApiKey = requireKey("client", "operator");
export const requireOperatorKey = requireKey("operator");
