import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findConfigProblems } from "../../src/config/check";
import { LATEST_MIGRATION, schemaProblem } from "../../src/config/schema";

const KEY32 = "k".repeat(32);
/** A deployed environment's settings, all of them good: each test spoils one. */
const PRODUCTION = {
	...env,
	ENVIRONMENT: "production",
	API_KEYS: `shop:${KEY32}1`,
	OPERATOR_KEYS: `alice:${KEY32}2`,
	CALLBACK_SECRET: `k1:${KEY32}3`,
	ALERT_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x",
	PAYMENTS_URL: "https://payments.example.com",
	INVENTORY_URL: "https://inventory.example.com",
	SHIPPING_URL: "https://shipping.example.com",
	EMAIL_URL: "https://email.example.com",
	PUBLIC_BASE_URL: "https://orders.example.com",
};

const named = (settings: object) => findConfigProblems(settings).map((p) => p.setting);

describe("the configuration check names every bad setting, never its value", () => {
	it("passes the tests' own configuration and a good deployed one", () => {
		expect(findConfigProblems(env)).toEqual([]);
		expect(findConfigProblems(PRODUCTION)).toEqual([]);
	});

	it.each([
		["a short callback secret", { CALLBACK_SECRET: "short-secret" }, "CALLBACK_SECRET"],
		["an http:// webhook elsewhere", { ALERT_WEBHOOK_URL: "http://hooks.example.com/x" }, "ALERT_WEBHOOK_URL"],
		["a bad key list entry", { API_KEYS: "test-client-key-0001, acme:shop:short" }, "API_KEYS"],
		["no operator key", { OPERATOR_KEYS: undefined }, "OPERATOR_KEYS"],
		["a rate that is not one", { BREAKER_FAILURE_RATE: "lots" }, "BREAKER_FAILURE_RATE"],
		["a stream cap of zero", { STREAMS_PER_KEY: "0" }, "STREAMS_PER_KEY"],
		["a pick deadline that is not a number", { PICK_DEADLINE_SECONDS: "two days" }, "PICK_DEADLINE_SECONDS"],
		["an environment nobody knows", { ENVIRONMENT: "prd" }, "ENVIRONMENT"],
	])("%s", (_, change, setting) => {
		const problems = findConfigProblems({ ...env, ...change });
		expect(problems.map((p) => p.setting)).toEqual([setting]);
		const [value] = Object.values(change);
		if (typeof value === "string" && value.length > 2) expect(JSON.stringify(problems)).not.toContain(value);
	});

	it("in a deployed environment: no loopback URL, no placeholder, no short key or secret", () => {
		expect(named({ ...PRODUCTION, PAYMENTS_URL: "http://127.0.0.1:8788/payments" })).toEqual(["PAYMENTS_URL"]);
		expect(findConfigProblems({ ...PRODUCTION, EMAIL_URL: "https://localhost/email" })[0]?.problem).toContain(
			"loopback",
		);
		expect(
			findConfigProblems({ ...PRODUCTION, PUBLIC_BASE_URL: "https://x.REPLACE-ME.invalid" })[0]?.problem,
		).toContain("placeholder");
		expect(named({ ...PRODUCTION, API_KEYS: "shop:test-client-key-0001" })).toEqual(["API_KEYS"]);
		expect(named({ ...PRODUCTION, OPERATOR_KEYS: "test-operator-key-01" })).toEqual(["OPERATOR_KEYS"]);
		expect(named({ ...PRODUCTION, CALLBACK_SECRET: "k1:test-callback-secret-0123456789" })).toEqual([
			"CALLBACK_SECRET",
		]);
		// The same loopback URLs are the local settings' own.
		expect(named({ ...PRODUCTION, ENVIRONMENT: "local", PAYMENTS_URL: "http://127.0.0.1:8788/payments" })).toEqual([]);
	});
});

describe("the database's migrations", () => {
	it("the code names the newest migration file as the one it needs", () => {
		expect(env.TEST_MIGRATIONS.at(-1)?.name).toBe(LATEST_MIGRATION);
	});

	it("a database without the newest migration is named as such, with the command that applies it", async () => {
		expect(await schemaProblem(env.DB)).toBeNull();
		await env.DB.prepare("DELETE FROM d1_migrations WHERE name = ?").bind(LATEST_MIGRATION).run();
		try {
			const problem = await schemaProblem(env.DB);
			expect(problem).toContain(`lacks migration ${LATEST_MIGRATION}`);
			expect(problem).toContain("d1 migrations apply DB --remote");
		} finally {
			await env.DB.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(LATEST_MIGRATION).run();
		}
		expect(await schemaProblem(env.DB)).toBeNull();
	});
});
