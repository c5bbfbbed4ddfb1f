import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./problem";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

const tooLarge = () => new ApiError(413, "body-too-large", `The body must not exceed ${MAX_BODY_BYTES} bytes.`);
const malformed = () => new ApiError(400, "malformed-json", "The body is not valid JSON (UTF-8).");

/** The fewest bytes one read of a streamed body waits for (fewer only at its end). */
const READ_AT_LEAST = 16 * 1024;

/**
 * Reads the body into one buffer of the limit plus a byte, as it arrives: past `limit` the stream is
 * cancelled and the request refused at once, so a chunked body without Content-Length is never held
 * whole. Each read waits for at least 16 KiB, so a body sent in tiny pieces costs a few reads, not
 * one per piece (a 1-byte-chunked body cost 64 K reads before its 413).
 */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
	if (!body) return new Uint8Array();
	const reader = body.getReader({ mode: "byob" });
	let buffer = new ArrayBuffer(limit + 1);
	let size = 0;
	while (size <= limit) {
		const room = limit + 1 - size;
		const { done, value } = await reader.readAtLeast(Math.min(READ_AT_LEAST, room), new Uint8Array(buffer, size, room));
		if (value) {
			buffer = value.buffer as ArrayBuffer;
			size += value.byteLength;
		}
		if (done) break;
	}
	if (size > limit) {
		await reader.cancel("body too large").catch(() => undefined);
		throw tooLarge();
	}
	return new Uint8Array(buffer, 0, size);
}

/**
 * Guards a JSON body before any validation: 415 for another content type, 413 past 64 KiB
 * (declared, or counted while it streams in), 400 for malformed JSON. The parsed body is left
 * in Hono's body cache, where the route's validator reads it.
 */
export const requireJson = createMiddleware<AppEnv>(async (c, next) => {
	if (!JSON_TYPE.test(c.req.header("Content-Type") ?? "")) {
		throw new ApiError(415, "unsupported-media-type", "The body must be JSON: Content-Type: application/json.");
	}
	if (Number(c.req.header("Content-Length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
	const bytes = await readLimited(c.req.raw.body, MAX_BODY_BYTES);
	let parsed: unknown;
	try {
		parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
	} catch {
		throw malformed();
	}
	c.req.bodyCache.json = Promise.resolve(parsed);
	await next();
});
