import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { operatorKeyNamed } from "../../src/api/auth";
import { readSession, SESSION_SECONDS, startSession } from "../../src/console/session";
import { IDLE_TIMEOUT_MS } from "../../src/console/session-store";
import worker from "../../src/index";
import { api, OPERATOR_KEY } from "../helpers";
import { consoleRequest, csrfOf, page, signIn } from "./console";

const MINUTE = 60_000;

const keyNamed = async (name: string) => {
	const key = await operatorKeyNamed(env, name);
	if (!key) throw new Error(`no operator key named ${name} in the test bindings`);
	return key;
};

const paymentsState = async () => {
	const { downstreams } = (await (await api("/downstreams", { key: OPERATOR_KEY })).json()) as {
		downstreams: { name: string; state: string }[];
	};
	return downstreams.find((d) => d.name === "payments")?.state;
};

/** Where a request with this cookie ends up: 200 for a page, or the sign-in form it is sent to. */
const landing = async (cookie: string) => {
	const response = await consoleRequest("/ops/orders", { cookie });
	return response.status === 200 ? "page" : (response.headers.get("Location") ?? String(response.status));
};

describe("console sessions are recorded on the server", () => {
	it("signing out ends the session: a cookie copied before it loads no page and pauses nothing", async () => {
		const cookie = await signIn();
		const csrf = csrfOf(await page("/ops/downstreams", cookie));
		expect((await consoleRequest("/ops/sign-out", { cookie, form: { csrf } })).status).toBe(303);

		expect(await landing(cookie)).toMatch(/^\/ops\/sign-in/);
		const pause = await consoleRequest("/ops/downstreams/payments/pause", {
			cookie,
			form: { csrf, reason: "with a copied cookie", requestKey: `console-${crypto.randomUUID()}` },
		});
		expect(pause.status).toBe(303);
		expect(pause.headers.get("Location")).toMatch(/^\/ops\/sign-in/);
		expect(await paymentsState()).toBe("closed");
		// What scripts fetch with it is refused too.
		expect((await consoleRequest("/ops/orders/default/o-1/events", { cookie })).status).toBe(401);
	});

	it("ends after 30 minutes without a request, under the 8-hour limit; activity keeps it going", async () => {
		const key = await keyNamed("alice");
		const start = Date.now();
		const { cookie } = await startSession(env.DB, key, start);
		// A request every 20 minutes keeps it alive...
		for (let at = start + 20 * MINUTE; at < start + SESSION_SECONDS * 1000 - MINUTE; at += 20 * MINUTE)
			expect(await readSession(env, cookie, at), `at +${(at - start) / MINUTE} min`).not.toBeNull();
		// ...until its absolute end, however busy.
		expect(await readSession(env, cookie, start + SESSION_SECONDS * 1000 - MINUTE)).not.toBeNull();
		expect(await readSession(env, cookie, start + SESSION_SECONDS * 1000)).toBeNull();

		const idle = await startSession(env.DB, key, start);
		expect(await readSession(env, idle.cookie, start + IDLE_TIMEOUT_MS - MINUTE)).not.toBeNull();
		const lastSeen = start + IDLE_TIMEOUT_MS - MINUTE;
		expect(await readSession(env, idle.cookie, lastSeen + IDLE_TIMEOUT_MS + 1)).toBeNull();
		// Once ended for idleness, it stays ended.
		expect(await readSession(env, idle.cookie, lastSeen + 2 * MINUTE)).toBeNull();
		expect(IDLE_TIMEOUT_MS).toBe(30 * MINUTE);
	});

	it("'sign out every session of this key' ends them all, in every browser, and no other key's", async () => {
		const [first, second] = [await signIn(), await signIn()];
		const otherKey = await signIn("test-operator-key-02");
		const html = await page("/ops/sessions", first);
		expect(html).toContain("Sign out every session of this key");
		expect(html.match(/<tr data-session/g)?.length).toBeGreaterThanOrEqual(2);
		const answer = await consoleRequest("/ops/sessions/sign-out-all", { cookie: first, form: { csrf: csrfOf(html) } });
		expect(answer.status).toBe(303);
		expect(answer.headers.get("Location")).toBe("/ops/sign-in?signed-out=all");
		expect(answer.headers.get("Set-Cookie")).toMatch(/^ops_session=;.*Max-Age=0/i);
		expect(await landing(first)).toMatch(/^\/ops\/sign-in/);
		expect(await landing(second)).toMatch(/^\/ops\/sign-in/);
		expect(await landing(otherKey)).toBe("page");
		// Without the session's token (a cross-site form), nothing is ended.
		const fresh = await signIn();
		const forged = await consoleRequest("/ops/sessions/sign-out-all", { cookie: otherKey, form: { csrf: "x" } });
		expect(forged.status).toBe(403);
		expect(await landing(fresh)).toBe("page");
	});

	it("ended and expired sessions are pruned a day later by the cron", async () => {
		const key = await keyNamed("alice");
		const start = Date.now();
		const ended = await startSession(env.DB, key, start);
		const session = await readSession(env, ended.cookie, start);
		if (!session) throw new Error("the session did not start");
		await consoleRequest("/ops/sign-out", { cookie: `ops_session=${ended.cookie}`, form: {} });
		const count = async () =>
			(
				await env.DB.prepare("SELECT COUNT(*) AS n FROM console_sessions WHERE key_name = 'alice'").first<{
					n: number;
				}>()
			)?.n;
		const before = await count();
		const controller = createScheduledController({
			scheduledTime: start + 2 * SESSION_SECONDS * 1000 + 24 * 60 * MINUTE,
		});
		await worker.scheduled?.(controller, env, createExecutionContext());
		expect(before).toBeGreaterThan(0);
		expect(await count()).toBe(0);
	});
});
