import { describe, expect, it } from "vitest";
import { signCallbackToken, verifyCallbackToken } from "../../src/order/callback-token";

const SECRET = "unit-test-secret-0123456789";
const expected = { orderId: "o-1", event: "warehouse-picked" };
const claims = { ...expected };

describe("callback tokens", () => {
	it("verify when signed with the secret, for the order and event", async () => {
		const token = await signCallbackToken(SECRET, claims);
		expect(await verifyCallbackToken(SECRET, token, expected)).toEqual({ ok: true, claims });
	});

	it("carry no expiry of their own: a token from before this change, with one, still verifies", async () => {
		const token = await signCallbackToken(SECRET, { ...claims, expiresAt: 1 } as typeof claims);
		expect(await verifyCallbackToken(SECRET, token, expected)).toMatchObject({ ok: true });
	});

	it("are deterministic, so a retried shipment request sends the same body", async () => {
		expect(await signCallbackToken(SECRET, claims)).toBe(await signCallbackToken(SECRET, claims));
	});

	it("fail on a tampered claim, another secret, another order or event", async () => {
		const token = await signCallbackToken(SECRET, claims);
		const [v, , sig] = token.split(".");
		const forgedClaims = btoa(JSON.stringify({ ...claims, orderId: "o-2" })).replace(/=+$/, "");
		const check = (t: string, e = expected) => verifyCallbackToken(SECRET, t, e);
		expect(await check(`${v}.${forgedClaims}.${sig}`)).toEqual({ ok: false, reason: "bad_signature" });
		expect(await check(await signCallbackToken("another-secret-0123456789", claims))).toEqual({
			ok: false,
			reason: "bad_signature",
		});
		expect(await check(token, { ...expected, orderId: "o-2" })).toEqual({ ok: false, reason: "wrong_order" });
		expect(await check(token, { ...expected, event: "other" })).toEqual({ ok: false, reason: "wrong_order" });
		expect(await check("garbage")).toEqual({ ok: false, reason: "malformed" });
		expect(await check("v1.!!.!!")).toEqual({ ok: false, reason: "malformed" });
	});
});
