import { beforeAll, describe, expect, it } from "vitest";
import { findConfigProblems } from "../../src/config/check";
import { getHistory, OPERATOR_KEY, placeFailedRefund, settle } from "../helpers";
import { consoleRequest, csrfOf } from "./console";

const TEAM = "https://access.test";
const AUD = "test-access-aud";
const KID = `test-kid-${crypto.randomUUID().slice(0, 8)}`;

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
	btoa(String.fromCharCode(...new Uint8Array(bytes)))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
const json64 = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

const rsa = () =>
	crypto.subtle.generateKey(
		{ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
		true,
		["sign", "verify"],
	) as Promise<CryptoKeyPair>;

let team: CryptoKeyPair;
let stranger: CryptoKeyPair;

/** A token as Access signs it: RS256 under the team's key, for this application, about one person. */
async function accessToken(claims: Record<string, unknown> = {}, key = team.privateKey, kid = KID): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	const header = json64({ alg: "RS256", kid, typ: "JWT" });
	const payload = json64({
		aud: [AUD],
		email: "Ada@Example.com",
		exp: now + 600,
		iat: now,
		nbf: now,
		iss: TEAM,
		sub: "7335d417-61da-459d-899c-0a01c76a2f94",
		type: "app",
		...claims,
	});
	const signature = await crypto.subtle.sign(
		"RSASSA-PKCS1-v1_5",
		key,
		new TextEncoder().encode(`${header}.${payload}`),
	);
	return `${header}.${payload}.${base64url(signature)}`;
}

const asPerson = (token: string) => ({ "Cf-Access-Jwt-Assertion": token });

describe("operators who sign in as people through Cloudflare Access", () => {
	beforeAll(async () => {
		[team, stranger] = await Promise.all([rsa(), rsa()]);
		// The team's key set, served on loopback by the sandbox where Access serves it: no network.
		const jwk = { ...(await crypto.subtle.exportKey("jwk", team.publicKey)), kid: KID, alg: "RS256", use: "sig" };
		const put = await fetch(`${TEAM}/cdn-cgi/access/certs`, { method: "PUT", body: JSON.stringify(jwk) });
		expect(put.status).toBe(201);
	});

	it("are let in by their Access token alone, and the audit trail names the person, not a key", async () => {
		const orderId = await placeFailedRefund("access-resolve");
		const headers = asPerson(await accessToken());
		const orders = await consoleRequest("/ops/orders", { headers });
		expect(orders.status).toBe(200);
		const html = await orders.text();
		expect(html).toContain("operator:ada@example.com");
		expect(html).toContain('href="/cdn-cgi/access/logout"');

		const orderPage = await (await consoleRequest(`/ops/orders/default/${orderId}`, { headers })).text();
		const form = { csrf: csrfOf(orderPage), reason: "refunded by hand", requestKey: "console-access-1" };
		const response = await consoleRequest(`/ops/orders/default/${orderId}/resolve`, { headers, form });
		expect(response.status).toBe(303);
		expect((await settle(orderId)).status).toBe("resolved");
		const audit = (await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");
		expect(audit).toMatchObject([{ action: "resolve", actor: "operator:ada@example.com", reason: "refunded by hand" }]);
		// A client reads that an operator did it, never who.
		expect((await getHistory(orderId)).find((e) => e.type === "operator_action")).toMatchObject({ actor: "operator" });
	});

	it("refuses a token of another application, an expired one, a forged one and one under an unknown key", async () => {
		const refused = [
			await accessToken({ aud: ["another-application"] }),
			await accessToken({ iss: "https://other-team.cloudflareaccess.com" }),
			await accessToken({ exp: Math.floor(Date.now() / 1000) - 60 }),
			await accessToken({}, stranger.privateKey),
			await accessToken({}, stranger.privateKey, "unknown-kid"),
			`${(await accessToken()).slice(0, -4)}AAAA`,
			"not-a-token",
		];
		for (const token of refused) {
			const response = await consoleRequest("/ops/orders", { headers: asPerson(token) });
			expect(response.status, token.slice(0, 40)).toBe(403);
			expect(await response.text()).toContain("The Cloudflare Access token is not valid here");
		}
		// Without a token, the console's own sign-in applies.
		const anonymous = await consoleRequest("/ops/orders");
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get("Location")).toMatch(/^\/ops\/sign-in/);
	});

	it("a form needs the token's own CSRF value: another token's page does not do", async () => {
		const orderId = await placeFailedRefund("access-csrf");
		const mine = asPerson(await accessToken());
		const another = asPerson(await accessToken({ sub: "someone-else" }));
		const stale = csrfOf(await (await consoleRequest(`/ops/orders/default/${orderId}`, { headers: another })).text());
		const response = await consoleRequest(`/ops/orders/default/${orderId}/resolve`, {
			headers: mine,
			form: { csrf: stale, reason: "x" },
		});
		expect(response.status).toBe(403);
		expect((await getHistory(orderId, OPERATOR_KEY)).some((e) => e.type === "operator_action")).toBe(false);
	});

	it("is configured by both settings or neither, the team's domain an https URL", () => {
		const base = { ENVIRONMENT: "test", API_KEYS: "test-client-key-0001", OPERATOR_KEYS: "test-operator-key-01" };
		const problems = (extra: Record<string, string>) =>
			findConfigProblems({ ...base, ...extra })
				.filter((p) => p.setting.startsWith("ACCESS_"))
				.map((p) => p.setting);
		expect(problems({})).toEqual([]);
		expect(problems({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD })).toEqual([]);
		expect(problems({ ACCESS_TEAM_DOMAIN: TEAM })).toEqual(["ACCESS_AUD"]);
		expect(problems({ ACCESS_AUD: AUD })).toEqual(["ACCESS_TEAM_DOMAIN"]);
		expect(problems({ ACCESS_TEAM_DOMAIN: "http://team.cloudflareaccess.com", ACCESS_AUD: AUD })).toEqual([
			"ACCESS_TEAM_DOMAIN",
		]);
		expect(problems({ ACCESS_TEAM_DOMAIN: `${TEAM}/`, ACCESS_AUD: AUD })).toEqual(["ACCESS_TEAM_DOMAIN"]);
	});
});
