import { verifyWithJwks } from "hono/jwt";
import { z } from "zod";
import { accessConfig } from "../api/access-config";
import type { Session } from "./session";

/** The header Cloudflare Access puts on every request it lets through to the application. */
export const ACCESS_HEADER = "Cf-Access-Jwt-Assertion";

/** How long an isolate keeps a team's key set before fetching it again; a token under a key it lacks fetches at once. */
const KEYS_TTL_MS = 5 * 60_000;
/** A token under a key the cached set lacks fetches the set again, but not more often than this: forged key ids cost nothing. */
const REFETCH_MS = 30_000;
/** Access signs with RS256. */
const ALGORITHMS = ["RS256"] as const;

const KeySet = z.object({ keys: z.array(z.looseObject({ kid: z.string(), kty: z.string() })).max(20) });
/** What the console takes from a verified token: who, bounded as anything from outside is, and until when. */
const Claims = z.looseObject({ email: z.email().max(254), exp: z.int() });

const cached = new Map<string, { at: number; keys: Promise<z.infer<typeof KeySet>["keys"]> }>();

function teamKeys(teamDomain: string, fresh: boolean) {
	const hit = cached.get(teamDomain);
	const age = hit ? Date.now() - hit.at : Number.POSITIVE_INFINITY;
	if (hit && age < (fresh ? REFETCH_MS : KEYS_TTL_MS)) return hit.keys;
	const keys = fetch(`${teamDomain}/cdn-cgi/access/certs`, { signal: AbortSignal.timeout(5_000) }).then(
		async (response) => {
			if (!response.ok) throw new Error(`Access keys answered ${response.status}`);
			return KeySet.parse(await response.json()).keys;
		},
	);
	keys.catch(() => cached.delete(teamDomain));
	cached.set(teamDomain, { at: Date.now(), keys });
	return keys;
}

/** The token's key id, if its header names one: a key the cached set lacks means the team rotated its keys. */
const kidOf = (token: string) => {
	try {
		return z
			.object({ kid: z.string() })
			.parse(JSON.parse(atob((token.split(".")[0] ?? "").replace(/-/g, "+").replace(/_/g, "/")))).kid;
	} catch {
		return null;
	}
};

/**
 * The person Cloudflare Access let through, from the request's Access token: null when Access is not
 * configured or the request carries no token (the console's own sign-in then applies); "invalid" for
 * a token that is not this application's, forged, expired, or signed by none of the team's keys.
 */
export async function accessPerson(
	env: Env,
	request: Request,
): Promise<{ email: string; exp: number; token: string } | "invalid" | null> {
	const config = accessConfig(env);
	const token = request.headers.get(ACCESS_HEADER);
	if (!config || !token) return null;
	try {
		let keys = await teamKeys(config.teamDomain, false);
		if (!keys.some((key) => key.kid === kidOf(token))) keys = await teamKeys(config.teamDomain, true);
		const payload = await verifyWithJwks(token, {
			keys,
			allowedAlgorithms: ALGORITHMS,
			verification: { iss: config.teamDomain, aud: config.audience },
		});
		const claims = Claims.parse(payload);
		return { email: claims.email.toLowerCase(), exp: claims.exp, token };
	} catch (error) {
		console.warn("an Access token was refused", String(error).slice(0, 200));
		return "invalid";
	}
}

const base64url = (bytes: ArrayBuffer) =>
	btoa(String.fromCharCode(...new Uint8Array(bytes)))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");

/**
 * The console's session of a person Access let through: no cookie of ours, the token proves it on
 * every request. Forms carry a digest of the token as their CSRF token, which a cross-site page
 * cannot know (Access keeps the token in an HttpOnly cookie).
 */
export async function accessSession(person: { email: string; exp: number; token: string }): Promise<Session> {
	const csrf = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`csrf\n${person.token}`)));
	return { keyName: person.email, sid: "access", exp: person.exp, csrf, via: "access" };
}
