import type { HonoRequest } from "hono";
import { ApiError } from "../api/problem";

/**
 * The fields of a posted form, as text. A body that is not a readable form (a broken multipart, say)
 * is the sender's mistake: 400, never a 500. Hono keeps the parsed body, so the guard and the route
 * read it once between them.
 */
export async function readForm(req: HonoRequest): Promise<Record<string, string>> {
	let body: Record<string, unknown>;
	try {
		body = await req.parseBody();
	} catch {
		throw new ApiError(400, "malformed-form", "The form could not be read; nothing was done.");
	}
	return Object.fromEntries(
		Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
	);
}
