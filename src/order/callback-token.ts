import { z } from "zod";

/**
 * Tokens that let a warehouse confirm a pick without an API key: HMAC-SHA256 signed and bound to one
 * order and one event. Format: `v1.<claims, base64url JSON>.<signature, base64url>`. A token carries
 * no expiry: the order's own deadline, in its journal, decides whether the event is still wanted.
 */
const Claims = z.object({
	orderId: z.string(),
	event: z.string(),
});
export type CallbackClaims = z.infer<typeof Claims>;

export type TokenCheck =
	| { ok: true; claims: CallbackClaims }
	| {
			ok: false;
			reason: "malformed" | "bad_signature" | "wrong_order";
	  };

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array) =>
	btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function key(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

export async function signCallbackToken(secret: string, claims: CallbackClaims): Promise<string> {
	const payload = `v1.${toBase64Url(encoder.encode(JSON.stringify(claims)))}`;
	const signature = await crypto.subtle.sign("HMAC", await key(secret, "sign"), encoder.encode(payload));
	return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** Checks the signature first (in constant time, by `crypto.subtle.verify`), then the binding. */
export async function verifyCallbackToken(
	secret: string,
	token: string,
	expected: { orderId: string; event: string },
): Promise<TokenCheck> {
	const parts = token.split(".");
	if (parts.length !== 3 || parts[0] !== "v1") return { ok: false, reason: "malformed" };
	let signature: Uint8Array<ArrayBuffer>;
	let claims: CallbackClaims;
	try {
		signature = fromBase64Url(parts[2] ?? "");
		const valid = await crypto.subtle.verify(
			"HMAC",
			await key(secret, "verify"),
			signature,
			encoder.encode(`v1.${parts[1]}`),
		);
		if (!valid) return { ok: false, reason: "bad_signature" };
		claims = Claims.parse(JSON.parse(new TextDecoder().decode(fromBase64Url(parts[1] ?? ""))));
	} catch {
		return { ok: false, reason: "malformed" };
	}
	if (claims.orderId !== expected.orderId || claims.event !== expected.event)
		return { ok: false, reason: "wrong_order" };
	return { ok: true, claims };
}
