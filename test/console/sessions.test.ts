import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { operatorKeyNamed } from "../../src/api/auth";
import { readSession, SESSION_SECONDS, startSession } from "../../src/console/session";
import { API_KEY, OPERATOR_KEY } from "../helpers";
import { consoleRequest, csrfOf, page, sessionCookieOf, signIn } from "./console";

const aliceKey = async () => {
	const key = await operatorKeyNamed(env, "alice");
	if (!key) throw new Error("no operator key named alice in the test bindings");
	return key;
};

describe("signing in to the console", () => {
	it("an operator key starts a session: a signed, expiring, HttpOnly, SameSite=Strict cookie without the key", async () => {
		const response = await consoleRequest("/ops/sign-in", { form: { key: OPERATOR_KEY, next: "/ops/dead-letters" } });
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe("/ops/dead-letters");
		const header = response.headers.get("Set-Cookie") ?? "";
		const attributes = header.split(";").map((part) => part.trim().toLowerCase());
		expect(attributes).toEqual(
			expect.arrayContaining(["httponly", "samesite=strict", "secure", "path=/ops", `max-age=${SESSION_SECONDS}`]),
		);
		const value = sessionCookieOf(response).slice("ops_session=".length);
		for (const form of [OPERATOR_KEY, btoa(OPERATOR_KEY), encodeURIComponent(OPERATOR_KEY)])
			expect(decodeURIComponent(value)).not.toContain(form);
		expect(atob(value.split(".")[0]?.replace(/-/g, "+").replace(/_/g, "/") ?? "")).not.toContain(OPERATOR_KEY);

		const html = await page("/ops/dead-letters", `ops_session=${value}`);
		expect(html).toContain("operator:alice");
	});

	it("leaves Secure off on a loopback host only, where npm run dev serves plain http", async () => {
		for (const base of ["http://127.0.0.1:8787", "http://localhost:8787"]) {
			const response = await consoleRequest("/ops/sign-in", { base, form: { key: OPERATOR_KEY } });
			expect(response.status).toBe(303);
			const attributes = (response.headers.get("Set-Cookie") ?? "").toLowerCase().split(/;\s*/);
			expect(attributes).not.toContain("secure");
			expect(attributes).toContain("httponly");
		}
	});

	it.each([
		["a client key", API_KEY, 403, "That is a client key"],
		["a wrong key", "not-a-key-we-know-at-all", 401, "That key is not valid"],
		["no key", "", 401, "That key is not valid"],
	])("refuses %s with a visible message and no cookie", async (_, key, status, message) => {
		const response = await consoleRequest("/ops/sign-in", { form: { key } });
		expect(response.status).toBe(status);
		expect(response.headers.get("Set-Cookie")).toBeNull();
		const html = await response.text();
		expect(html).toContain(message);
		expect(html).toMatch(/role="alert"/);
	});

	it("sends a signed-out visitor to the sign-in form, and back where they were going after it", async () => {
		const home = await consoleRequest("/ops");
		expect(home.status).toBe(303);
		expect(home.headers.get("Location")).toBe("/ops/sign-in?next=%2Fops");
		const order = await consoleRequest("/ops/orders/default/o-1?preview=retry");
		expect(order.headers.get("Location")).toBe("/ops/sign-in?next=%2Fops%2Forders%2Fdefault%2Fo-1%3Fpreview%3Dretry");
		const form = await (await consoleRequest("/ops/sign-in?next=%2Fops%2Fdead-letters")).text();
		expect(form).toMatch(/<label>\s*Operator key\s*<input name="key"/);
		expect(form).toContain('value="/ops/dead-letters"');
		// Never to another site.
		const away = await consoleRequest("/ops/sign-in", { form: { key: OPERATOR_KEY, next: "https://evil.test/" } });
		expect(away.headers.get("Location")).toBe("/ops");
		// What scripts fetch is refused, never redirected to a form they would mistake for content.
		expect((await consoleRequest("/ops/orders/default/o-1/events")).status).toBe(401);
		expect((await consoleRequest("/ops/orders/default/o-1/sections")).status).toBe(401);
	});

	it("signing out clears the cookie", async () => {
		const cookie = await signIn();
		const response = await consoleRequest("/ops/sign-out", { cookie, form: {} });
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe("/ops/sign-in?signed-out");
		expect(response.headers.get("Set-Cookie")).toMatch(/^ops_session=;.*Max-Age=0/i);
	});
});

describe("a session cookie", () => {
	it("is refused once expired, tampered with, or signed by a key no longer configured", async () => {
		const key = await aliceKey();
		const now = Date.now();
		const expired = await startSession(env.DB, key, now - (SESSION_SECONDS * 1000 + 1000));
		// Recent enough not to have ended for idleness (30 minutes).
		const current = await startSession(env.DB, key, now - 20 * 60_000);
		expect(await readSession(env, current.cookie, now)).toMatchObject({ keyName: "alice" });
		expect(await readSession(env, expired.cookie, now)).toBeNull();

		const [payload, signature] = current.cookie.split(".") as [string, string];
		const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
		const forged = btoa(JSON.stringify({ ...claims, key: "key-2", exp: claims.exp + 86_400 })).replace(/=+$/, "");
		for (const cookie of [`${forged}.${signature}`, `${payload}.${signature.slice(0, -2)}AA`, `${payload}`, "garbage"])
			expect(await readSession(env, cookie, now)).toBeNull();

		// Rotating the key (same name, new key) or removing it ends its sessions.
		const rotated = { ...env, OPERATOR_KEYS: "alice:a-brand-new-operator-key, test-operator-key-02" };
		expect(await readSession(rotated, current.cookie, now)).toBeNull();
		expect(await readSession({ ...env, OPERATOR_KEYS: "test-operator-key-02" }, current.cookie, now)).toBeNull();
	});

	it("an expired or tampered cookie sends a page to the sign-in form", async () => {
		const expired = await startSession(env.DB, await aliceKey(), Date.now() - SESSION_SECONDS * 1000 - 1000);
		for (const cookie of [`ops_session=${expired.cookie}`, `ops_session=${expired.cookie.slice(0, -3)}xyz`]) {
			const response = await consoleRequest("/ops/orders", { cookie });
			expect(response.status).toBe(303);
			expect(response.headers.get("Location")).toMatch(/^\/ops\/sign-in/);
		}
	});
});

describe("console pages", () => {
	it("carry a nonce CSP that lets their own script run, no-store, and stay out of the OpenAPI document", async () => {
		const cookie = await signIn();
		const response = await consoleRequest("/ops/orders", { cookie });
		const csp = response.headers.get("Content-Security-Policy") ?? "";
		const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
		expect(nonce).toBeTruthy();
		expect(csp).toContain("default-src 'none'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(await response.text()).toContain(`<style nonce="${nonce}">`);
		expect(response.headers.get("Cache-Control")).toBe("no-store");
		expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
		expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
		const signInPage = await consoleRequest("/ops/sign-in");
		expect(signInPage.headers.get("Cache-Control")).toBe("no-store");

		const doc = await (await consoleRequest("/openapi.json")).json<{ paths: Record<string, unknown> }>();
		expect(Object.keys(doc.paths).filter((path) => path.startsWith("/ops"))).toEqual([]);
		// The API keeps its own policy.
		expect((await consoleRequest("/openapi.json")).headers.get("Referrer-Policy")).toBe("no-referrer");
	});

	it("refuse a POST from another site, or without the session's token, before doing anything", async () => {
		const cookie = await signIn();
		const csrf = csrfOf(await page("/ops/orders", cookie));
		const crossSite = await consoleRequest("/ops/sign-out", { cookie, form: { csrf }, origin: "https://evil.test" });
		expect(crossSite.status).toBe(403);
		expect(crossSite.headers.get("Set-Cookie")).toBeNull();
		const noOrigin = await consoleRequest("/ops/sign-in", { form: { key: OPERATOR_KEY }, origin: null });
		expect(noOrigin.status).toBe(403);
		expect(noOrigin.headers.get("Set-Cookie")).toBeNull();
		const nullOrigin = await consoleRequest("/ops/sign-in", { form: { key: OPERATOR_KEY }, origin: "null" });
		expect(nullOrigin.status).toBe(403);
		const huge = await consoleRequest("/ops/sign-in", { form: { key: OPERATOR_KEY, pad: "x".repeat(70_000) } });
		expect(huge.status).toBe(413);
		expect(huge.headers.get("Set-Cookie")).toBeNull();
	});
});
