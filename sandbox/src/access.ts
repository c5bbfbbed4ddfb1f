import { createMiddleware } from "hono/factory";
import type { SandboxEnv } from "./ledger";

const encoder = new TextEncoder();
const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));

/**
 * With `SANDBOX_KEY` set, every route needs it: as `Authorization: Bearer <key>`, or for the alert
 * webhook as its URL's last segment. Without it (local development, tests) the sandbox is open.
 */
export const requireSandboxKey = createMiddleware<{ Bindings: SandboxEnv }>(async (c, next) => {
	const expected = c.env.SANDBOX_KEY;
	if (!expected) return next();
	const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
	const inPath = /^\/alerts\/([^/]+)$/.exec(c.req.path)?.[1];
	const presented = bearer ?? (inPath ? decodeURIComponent(inPath) : "");
	// Equal-length digests, so the comparison takes the same time whatever was presented.
	if (crypto.subtle.timingSafeEqual(await digest(presented), await digest(expected))) return next();
	return c.json({ code: "sandbox_key_required" }, 401, { "WWW-Authenticate": 'Bearer realm="sandbox"' });
});
