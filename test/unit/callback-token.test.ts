import { describe, expect, it } from "vitest";
import { signCallbackToken, verifyCallbackToken } from "../../src/order/callback-token";

const SECRET = "unit-test-secret-0123456789";
const expected = { orderId: "o-1", event: "warehouse-picked" };
const claims = { ...expected, expiresAt: 2_000_000 };

describe("callback tokens", () => {
	it("verify when signed with the secret, for the order and event, before expiry", async () => {
		const token = await signCallbackToken(SECRET, claims);
		expect(await verifyCallbackToken(SECRET, token, expected, 1_000_000)).toEqual({ ok: true, claims });
	});

	it("are deterministic, so a retried shipment request sends the same body", async () => {
		expect(await signCallbackToken(SECRET, claims)).toBe(await signCallbackToken(SECRET, claims));
	});

	it("fail on a tampered claim, another secret, another order or event, and after expiry", async () => {
		const token = await signCallbackToken(SECRET, claims);
		const [v, , sig] = token.split(".");
		const forgedClaims = btoa(JSON.stringify({ ...claims, orderId: "o-2" })).replace(/=+$/, "");
		const check = (t: string, e = expected, now = 1_000_000) => verifyCallbackToken(SECRET, t, e, now);
		expect(await check(`${v}.${forgedClaims}.${sig}`)).toEqual({ ok: false, reason: "bad_signature" });
		expect(await check(await signCallbackToken("another-secret-0123456789", claims))).toEqual({
			ok: false,
			reason: "bad_signature",
		});
		expect(await check(token, { ...expected, orderId: "o-2" })).toEqual({ ok: false, reason: "wrong_order" });
		expect(await check(token, { ...expected, event: "other" })).toEqual({ ok: false, reason: "wrong_order" });
		expect(await check(token, expected, 2_000_000)).toEqual({ ok: false, reason: "expired" });
		expect(await check("garbage")).toEqual({ ok: false, reason: "malformed" });
		expect(await check("v1.!!.!!")).toEqual({ ok: false, reason: "malformed" });
	});
});
