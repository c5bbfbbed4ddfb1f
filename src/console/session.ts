import { z } from "zod";
import { operatorKeyNamed } from "../api/auth";
import type { Key } from "../api/keys";
import { recordSession, sessionGoing } from "./session-store";

/** How long a console session lasts at most, in seconds: a working day (8 hours). It ends sooner when idle. */
export const SESSION_SECONDS = 8 * 60 * 60;

/** The session cookie's name; its path is /ops, so no API request ever carries it. */
export const SESSION_COOKIE = "ops_session";

/**
 * What the cookie says: the operator key's configured name, when it expires (seconds since the
 * epoch) and a random session id. Never the key, nor anything computed from it alone.
 */
const Payload = z.object({ key: z.string(), exp: z.int(), sid: z.string() }).strict();

/** A signed-in operator, as a request's cookie proves and the session's record confirms. */
export interface Session {
	keyName: string;
	/** The cookie's random session id: which record it is. */
	sid: string;
	/** When it ends, in seconds since the epoch. */
	exp: number;
	/** The token every form of this session posts back: a cross-site page cannot know it. */
	csrf: string;
	/** A person Cloudflare Access let through (access.ts): `keyName` is their email, and Access signs them out. */
	via?: "access";
}

const encoder = new TextEncoder();

const base64url = (bytes: Uint8Array) =>
	btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");

function fromBase64url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	try {
		return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
}

/** HMAC keys per operator key digest, kept for the isolate's life like the parsed keys themselves. */
const derived = new Map<string, Promise<CryptoKey>>();

/**
 * The session signing key of one operator key, derived (HKDF-SHA256) from the key's SHA-256 digest:
 * only the Worker knows it, and replacing or removing the operator key ends its sessions at once.
 */
function signingKey(key: Key): Promise<CryptoKey> {
	const id = base64url(key.digest);
	let found = derived.get(id);
	if (!found) {
		found = crypto.subtle.importKey("raw", key.digest, "HKDF", false, ["deriveKey"]).then((base) =>
			crypto.subtle.deriveKey(
				{
					name: "HKDF",
					hash: "SHA-256",
					salt: new Uint8Array(),
					info: encoder.encode("saga-edge console session v1"),
				},
				base,
				{ name: "HMAC", hash: "SHA-256", length: 256 },
				false,
				["sign", "verify"],
			),
		);
		derived.set(id, found);
	}
	return found;
}

const sign = async (key: CryptoKey, purpose: string, text: string) =>
	new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${purpose}\n${text}`)));

/**
 * A new session for this operator key from `now` (ms), recorded on the server: the cookie's value and
 * the session it proves.
 */
export async function startSession(
	db: D1Database,
	key: Key,
	now: number,
): Promise<{ cookie: string; session: Session }> {
	const sid = base64url(crypto.getRandomValues(new Uint8Array(16)));
	const exp = Math.floor(now / 1000) + SESSION_SECONDS;
	const payload = base64url(encoder.encode(JSON.stringify({ key: key.name, exp, sid })));
	const signing = await signingKey(key);
	await recordSession(db, sid, key.name, now, exp * 1000);
	const cookie = `${payload}.${base64url(await sign(signing, "session", payload))}`;
	const csrf = base64url(await sign(signing, "csrf", payload));
	return { cookie, session: { keyName: key.name, sid, exp, csrf } };
}

/**
 * The session a cookie proves at `now` (ms), or null: malformed, signed by no current operator key
 * (forged, tampered with, or its key removed or replaced), expired, or ended on the server (signed
 * out, signed out everywhere, or idle for 30 minutes).
 */
export async function readSession(env: Env, cookie: string | undefined, now: number): Promise<Session | null> {
	const [payload, signature, ...rest] = (cookie ?? "").split(".");
	const mac = fromBase64url(signature ?? "");
	const text = fromBase64url(payload ?? "");
	if (!payload || !mac || !text || rest.length > 0) return null;
	let parsed: z.infer<typeof Payload>;
	try {
		parsed = Payload.parse(JSON.parse(new TextDecoder().decode(text)));
	} catch {
		return null;
	}
	const key = await operatorKeyNamed(env, parsed.key);
	if (!key) return null;
	const signing = await signingKey(key);
	const valid = await crypto.subtle.verify("HMAC", signing, mac, encoder.encode(`session\n${payload}`));
	if (!valid || parsed.exp * 1000 <= now) return null;
	if (!(await sessionGoing(env.DB, parsed.sid, key.name, now))) return null;
	const csrf = base64url(await sign(signing, "csrf", payload));
	return { keyName: key.name, sid: parsed.sid, exp: parsed.exp, csrf };
}

/** Whether a posted token is this session's, compared in constant time. */
export function csrfMatches(session: Session, token: string | undefined): boolean {
	const expected = encoder.encode(session.csrf);
	const presented = encoder.encode(token ?? "");
	return presented.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(presented, expected);
}
