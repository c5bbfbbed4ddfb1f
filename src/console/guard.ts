import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { withinRateLimit } from "../api/auth";
import type { Caller } from "../api/context";
import { ApiError } from "../api/problem";
import { accessPerson, accessSession } from "./access";
import { readForm } from "./form";
import { csrfMatches, readSession, SESSION_COOKIE, type Session } from "./session";

/** Hono's environment of the console's routes: the bindings, this page's script nonce, the operator signed in. */
export type ConsoleEnv = {
	Bindings: Env;
	Variables: { requestId: string; nonce: string; session: Session; caller: Caller };
};

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * Every console answer: never cached (it shows live orders and carries a session's token), and a
 * strict Content-Security-Policy whose nonce lets only the page's own inline script and style run.
 * Referrer-Policy is same-origin rather than the API's no-referrer, under which a browser sends
 * `Origin: null` with every POST and the same-origin check below could not tell friend from foe.
 */
export const consoleHeaders = createMiddleware<ConsoleEnv>(async (c, next) => {
	const nonce = base64(crypto.getRandomValues(new Uint8Array(16)));
	c.set("nonce", nonce);
	await next();
	c.header(
		"Content-Security-Policy",
		`default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
	);
	c.header("Cache-Control", "no-store");
	c.header("Referrer-Policy", "same-origin");
});

/** A POST must come from a page of this very origin: a cross-site form or script is refused before anything else. */
export const sameOrigin = createMiddleware<ConsoleEnv>(async (c, next) => {
	if (c.req.method === "POST" && c.req.header("Origin") !== new URL(c.req.url).origin)
		throw new ApiError(403, "cross-site", "This form was not sent from the console's own pages; nothing was done.");
	await next();
});

/**
 * Requires a valid session. Without one a page redirects to the sign-in form (and back after it);
 * what scripts fetch (`refuse`) answers 401, so a script never mistakes the sign-in form for content.
 * A POST must also carry the session's CSRF token. Each request counts against the operator key's
 * rate limit, as the API's do.
 */
export const requireSession = (onMissing: "redirect" | "refuse") =>
	createMiddleware<ConsoleEnv>(async (c, next) => {
		// A person Access let through is who acts; a token Access would not have given is refused, never ignored.
		const person = await accessPerson(c.env, c.req.raw);
		if (person === "invalid")
			throw new ApiError(403, "access-denied", "The Cloudflare Access token is not valid here; nothing was done.");
		const session = person
			? await accessSession(person)
			: await readSession(c.env, getCookie(c, SESSION_COOKIE), Date.now());
		if (!session) {
			if (onMissing === "refuse") throw new ApiError(401, "signed-out", "Sign in again to continue.");
			const { pathname, search } = new URL(c.req.url);
			return c.redirect(`/ops/sign-in?next=${encodeURIComponent(pathname + search)}`, 303);
		}
		if (c.req.method === "POST") {
			const form = await readForm(c.req);
			if (!csrfMatches(session, form.csrf))
				throw new ApiError(403, "csrf", "This form has expired or was not sent from the console; nothing was done.");
		}
		const caller: Caller = { role: "operator", tenant: null, keyId: session.keyName };
		await withinRateLimit(c.env, caller);
		c.set("session", session);
		c.set("caller", caller);
		await next();
	});
