import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { identify, operatorKeyNamed, withinRateLimit } from "../api/auth";
import { clientAddress, countFailure, refuseIfLocked } from "../api/failed-auth";
import { isLoopback } from "../ops/config";
import { CONSOLE_PATHS } from "../ops/console-paths";
import { readForm } from "./form";
import { type ConsoleEnv, requireSession } from "./guard";
import { Layout, Notice } from "./layout";
import { readSession, SESSION_COOKIE, SESSION_SECONDS, startSession } from "./session";
import { endEverySession, endSession } from "./session-store";

/** Where the console starts after signing in. */
export const HOME = CONSOLE_PATHS.home;

/**
 * Only a console path may be where sign-in leads back to: never another site, and nothing but
 * printable ASCII (a NUL or a line break cannot go in a Location header), without a backslash.
 */
const safeNext = (next: unknown) =>
	typeof next === "string" && /^\/ops(?:[/?][!-[\]-~]*)?$/.test(next) && !next.startsWith("/ops//") ? next : HOME;

/**
 * The cookie's attributes: HttpOnly, SameSite=Strict, scoped to /ops, and Secure except on a loopback
 * host, where `npm run dev` serves plain http.
 */
const cookieOptions = (c: Context<ConsoleEnv>) => ({
	path: "/ops",
	httpOnly: true,
	sameSite: "Strict" as const,
	secure: !isLoopback(new URL(c.req.url).hostname),
});

const SignInPage = ({
	nonce,
	next,
	error,
	notice,
}: {
	nonce: string;
	next: string;
	error?: string;
	notice?: string;
}) => (
	<Layout title="Sign in" nonce={nonce}>
		{error && <Notice kind="error">{error}</Notice>}
		{notice && <Notice kind="done">{notice}</Notice>}
		<p>The console is for operators: sign in with an operator key (one of OPERATOR_KEYS).</p>
		<form method="post" action="/ops/sign-in" class="action">
			<input type="hidden" name="next" value={next} />
			<label>
				Operator key
				<input name="key" type="password" required autocomplete="current-password" autofocus />
			</label>
			<button type="submit" class="primary">
				Sign in
			</button>
		</form>
	</Layout>
);

/** Signing in and out. The session is a signed cookie; see session.ts for what it holds. */
export const signIn = new Hono<ConsoleEnv>()
	.get("/sign-in", async (c) => {
		const next = safeNext(c.req.query("next"));
		if (await readSession(c.env, getCookie(c, SESSION_COOKIE), Date.now())) return c.redirect(next, 303);
		const signedOut = c.req.query("signed-out");
		const notice =
			signedOut === undefined
				? undefined
				: signedOut === "all"
					? "Every session of your key is signed out, in every browser."
					: "You are signed out.";
		return c.html(<SignInPage nonce={c.get("nonce")} next={next} notice={notice} />);
	})
	.post("/sign-in", async (c) => {
		const address = clientAddress(c.req.raw);
		refuseIfLocked(address);
		const form = await readForm(c.req);
		const next = safeNext(form.next);
		const presented = form.key?.trim() ?? "";
		const caller = presented ? await identify(c.env, presented) : null;
		const key = caller?.role === "operator" ? await operatorKeyNamed(c.env, caller.keyId) : undefined;
		if (!caller || !key) {
			await countFailure(c.env, address);
			const error = caller
				? "That is a client key. The console needs an operator key."
				: "That key is not valid. Sign in with an operator key.";
			return c.html(<SignInPage nonce={c.get("nonce")} next={next} error={error} />, caller ? 403 : 401);
		}
		await withinRateLimit(c.env, caller);
		const { cookie } = await startSession(c.env.DB, key, Date.now());
		setCookie(c, SESSION_COOKIE, cookie, { ...cookieOptions(c), maxAge: SESSION_SECONDS });
		return c.redirect(next, 303);
	})
	// No session needed to leave one: the same-origin check already keeps other sites from signing anyone out.
	// The session ends on the server, so a copy of the cookie taken before is worth nothing after.
	.post("/sign-out", async (c) => {
		const now = Date.now();
		const session = await readSession(c.env, getCookie(c, SESSION_COOKIE), now);
		if (session) await endSession(c.env.DB, session.sid, now);
		deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
		return c.redirect("/ops/sign-in?signed-out", 303);
	})
	// Every session of the signed-in key, in every browser: for a key that may have been left signed in somewhere.
	.post("/sessions/sign-out-all", requireSession("redirect"), async (c) => {
		await endEverySession(c.env.DB, c.get("session").keyName, Date.now());
		deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
		return c.redirect("/ops/sign-in?signed-out=all", 303);
	});
