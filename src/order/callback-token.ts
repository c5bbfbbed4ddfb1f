import { z } from "zod";
import { DEFAULT_TENANT } from "./tenant";

/**
 * Tokens that let a warehouse confirm a pick without an API key: HMAC-SHA256 signed and bound to one
 * tenant's order and one event. Format: `v2.<key id>.<claims: base64url JSON>.<signature: base64url>`.
 * The key id names the secret that signed it, so the secret can be rotated: the first configured
 * secret signs, every configured one verifies. A token carries no expiry: the order's own deadline,
 * in its journal, decides whether the event is still wanted. Tokens of the first format
 * (`v1.<claims>.<signature>`, the default tenant's, before key ids) still verify against every secret.
 */
const Claims = z.object({
	tenant: z.string().default(DEFAULT_TENANT),
	orderId: z.string(),
	event: z.string(),
});
export type CallbackClaims = z.infer<typeof Claims>;

/** A configured secret and the id tokens signed with it carry. */
export interface CallbackSecret {
	kid: string;
	secret: string;
}

export type TokenCheck =
	| { ok: true; claims: CallbackClaims }
	| { ok: false; reason: "malformed" | "bad_signature" | "wrong_order" };

const encoder = new TextEncoder();
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const toBase64Url = (bytes: Uint8Array) =>
	btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");

/** Decodes canonical base64url only: no padding, no whitespace, no `+` or `/`, no stray trailing bits. */
function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
	if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
	const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
	return toBase64Url(bytes) === text ? bytes : null;
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

const parsed = new Map<string, Promise<CallbackSecret[]>>();

/**
 * The `CALLBACK_SECRET` entries (validated by the configuration) as secrets with their ids: `kid:secret`,
 * or a bare secret whose id is a short fingerprint of it, stable wherever it stands in the list.
 * Kept for the isolate's life.
 */
export function callbackSecrets(entries: readonly string[]): Promise<CallbackSecret[]> {
	const key = entries.join(",");
	let secrets = parsed.get(key);
	if (!secrets) {
		secrets = parseCallbackSecrets(entries);
		parsed.set(key, secrets);
	}
	return secrets;
}

function parseCallbackSecrets(entries: readonly string[]): Promise<CallbackSecret[]> {
	return Promise.all(
		entries.map(async (entry) => {
			const colon = entry.indexOf(":");
			if (colon > 0) return { kid: entry.slice(0, colon), secret: entry.slice(colon + 1) };
			const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`callback-key:${entry}`)));
			return { kid: toBase64Url(digest).slice(0, 8), secret: entry };
		}),
	);
}

export async function signCallbackToken(secret: CallbackSecret, claims: CallbackClaims): Promise<string> {
	const payload = `v2.${secret.kid}.${toBase64Url(encoder.encode(JSON.stringify(claims)))}`;
	const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret.secret, "sign"), encoder.encode(payload));
	return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

async function signedBy(secret: string, payload: string, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
	return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), signature, encoder.encode(payload));
}

/** Checks the signature first (in constant time, by `crypto.subtle.verify`), then the binding. */
export async function verifyCallbackToken(
	secrets: readonly CallbackSecret[],
	token: string,
	expected: { orderId: string; event: string },
): Promise<TokenCheck> {
	const parts = token.split(".");
	const v2 = parts.length === 4 && parts[0] === "v2";
	if (!v2 && !(parts.length === 3 && parts[0] === "v1")) return { ok: false, reason: "malformed" };
	const [claimsPart = "", signaturePart = ""] = parts.slice(-2);
	const signature = fromBase64Url(signaturePart);
	const claimsBytes = fromBase64Url(claimsPart);
	if (!signature || !claimsBytes) return { ok: false, reason: "malformed" };
	const payload = parts.slice(0, -1).join(".");
	const candidates = v2 ? secrets.filter((s) => s.kid === parts[1]) : secrets;
	let valid = false;
	for (const { secret } of candidates) valid = (await signedBy(secret, payload, signature)) || valid;
	if (!valid) return { ok: false, reason: "bad_signature" };
	let claims: CallbackClaims;
	try {
		claims = Claims.parse(JSON.parse(new TextDecoder().decode(claimsBytes)));
	} catch {
		return { ok: false, reason: "malformed" };
	}
	if (claims.orderId !== expected.orderId || claims.event !== expected.event)
		return { ok: false, reason: "wrong_order" };
	return { ok: true, claims };
}
