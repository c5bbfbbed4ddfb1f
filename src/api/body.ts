import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./problem";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Guards a JSON body before any validation: 415 for another content type, 413 past 64 KiB
 * (declared or actual), 400 for malformed JSON. The parsed body stays cached for the validator.
 */
export const requireJson = createMiddleware<AppEnv>(async (c, next) => {
	if (!JSON_TYPE.test(c.req.header("Content-Type") ?? "")) {
		throw new ApiError(415, "unsupported-media-type", "The body must be JSON: Content-Type: application/json.");
	}
	const tooLarge = () => new ApiError(413, "body-too-large", `The body must not exceed ${MAX_BODY_BYTES} bytes.`);
	if (Number(c.req.header("Content-Length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
	const text = await c.req.text();
	if (encoderLength(text) > MAX_BODY_BYTES) throw tooLarge();
	try {
		JSON.parse(text);
	} catch {
		throw new ApiError(400, "malformed-json", "The body is not valid JSON.");
	}
	await next();
});

const encoderLength = (text: string) => new TextEncoder().encode(text).byteLength;
