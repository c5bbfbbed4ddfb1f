import { describe, expect, it } from "vitest";
import { type CallbackSecret, signCallbackToken, verifyCallbackToken } from "../../src/order/callback-token";

const current: CallbackSecret = { kid: "k2", secret: "unit-test-secret-2-0123456789" };
const previous: CallbackSecret = { kid: "k1", secret: "unit-test-secret-1-0123456789" };
const expected = { orderId: "o-1", event: "warehouse-picked" };
const claims = { tenant: "acme", ...expected };

/** A v1 token as the code before key ids signed it: `v1.<claims>.<signature>`, one secret. */
async function v1Token(secret: string, body: object): Promise<string> {
	const b64 = (bytes: Uint8Array) =>
		btoa(String.fromCharCode(...bytes))
			.replace(/\+/g, "-")
			.replace(/\//g, "_")
			.replace(/=+$/, "");
	const payload = `v1.${b64(new TextEncoder().encode(JSON.stringify(body)))}`;
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload)));
	return `${payload}.${b64(signature)}`;
}

describe("callback tokens", () => {
	it("verify when signed with a configured secret, for the order and event, with the tenant they name", async () => {
		const token = await signCallbackToken(current, claims);
		expect(token.split(".").slice(0, 2)).toEqual(["v2", "k2"]);
		expect(await verifyCallbackToken([current], token, expected)).toEqual({ ok: true, claims });
	});

	it("are deterministic, so a retried shipment request sends the same body", async () => {
		expect(await signCallbackToken(current, claims)).toBe(await signCallbackToken(current, claims));
	});

	it("survive a rotation: the new secret signs, a token of the old one verifies while it is still listed", async () => {
		const old = await signCallbackToken(previous, claims);
		expect(await verifyCallbackToken([current, previous], old, expected)).toMatchObject({ ok: true });
		expect(await verifyCallbackToken([current], old, expected)).toEqual({ ok: false, reason: "bad_signature" });
	});

	it("of the first format (no key id, the default tenant) still verify against any listed secret", async () => {
		const token = await v1Token(previous.secret, { ...expected, expiresAt: 1 });
		expect(await verifyCallbackToken([current, previous], token, expected)).toEqual({
			ok: true,
			claims: { tenant: "default", ...expected },
		});
	});

	it("fail on a tampered claim, another secret, another order or event", async () => {
		const token = await signCallbackToken(current, claims);
		const [v, kid, , sig] = token.split(".");
		const forgedClaims = btoa(JSON.stringify({ ...claims, orderId: "o-2" })).replace(/=+$/, "");
		const check = (t: string, e = expected) => verifyCallbackToken([current], t, e);
		expect(await check(`${v}.${kid}.${forgedClaims}.${sig}`)).toEqual({ ok: false, reason: "bad_signature" });
		const stranger = { kid: "k2", secret: "another-secret-0123456789" };
		expect(await check(await signCallbackToken(stranger, claims))).toEqual({ ok: false, reason: "bad_signature" });
		expect(await check(token, { ...expected, orderId: "o-2" })).toEqual({ ok: false, reason: "wrong_order" });
		expect(await check(token, { ...expected, event: "other" })).toEqual({ ok: false, reason: "wrong_order" });
		expect(await check("garbage")).toEqual({ ok: false, reason: "malformed" });
		expect(await check("v2.k2.!!.!!")).toEqual({ ok: false, reason: "malformed" });
	});

	it("accept only canonical base64url: padding, whitespace and the +/ alphabet are refused", async () => {
		const token = await signCallbackToken(current, claims);
		const [v, kid, body = "", sig = ""] = token.split(".");
		const standard = (text: string) => text.replace(/-/g, "+").replace(/_/g, "/");
		const padded = (text: string) => text + "=".repeat((4 - (text.length % 4)) % 4 || 4);
		const altered = [
			`${v}.${kid}.${body}.${padded(sig)}`,
			`${v}.${kid}.${padded(body)}.${sig}`,
			`${v}.${kid}.${body}.${sig.slice(0, 10)} ${sig.slice(10)}`,
			`${v}.${kid}.${body}.${sig}\n`,
			`${v}.${kid}.${standard(body)}A.${standard(sig)}`,
		];
		for (const forged of altered)
			expect(await verifyCallbackToken([current], forged, expected)).toMatchObject({ ok: false });
		// The last character of a 32-byte signature carries two unused bits: setting them is another spelling of the same bytes.
		const last = sig.at(-1) ?? "A";
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? last;
		expect(
			await verifyCallbackToken([current], `${v}.${kid}.${body}.${sig.slice(0, -1)}${sibling}`, expected),
		).toMatchObject({
			ok: false,
		});
	});
});
