import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./problem";

const encoder = new TextEncoder();
const digest = async (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));

/** Compares every configured key in constant time (fixed-length digests), so timing reveals neither key nor match. */
async function isKnownKey(configured: string, presented: string): Promise<boolean> {
	const wanted = await digest(presented);
	let found = false;
	for (const key of configured.split(",").map((k) => k.trim())) {
		if (key === "") continue;
		found = crypto.subtle.timingSafeEqual(await digest(key), wanted) || found;
	}
	return found;
}

/** Client endpoints: `Authorization: Bearer <key>`, with keys from `API_KEYS` (comma-separated). */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
	const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
	if (!presented || !(await isKnownKey(c.env.API_KEYS ?? "", presented))) {
		throw new ApiError(401, "unauthorized", "A valid API key is required: Authorization: Bearer <key>.", {
			headers: { "WWW-Authenticate": 'Bearer realm="orders"' },
		});
	}
	await next();
});
