import { z } from "@hono/zod-openapi";

/** The longest an answer is held for `Prefer: wait`; a longer wait is held this long (RFC 7240 lets the server cap it). */
export const MAX_WAIT_SECONDS = 60;

export const PreferHeaders = z.object({
	prefer: z
		.string()
		.optional()
		.describe(
			`RFC 7240. \`wait=N\`: hold the answer up to N seconds (at most ${MAX_WAIT_SECONDS}) until the order ends, instead of polling. Other preferences, and a malformed wait, are ignored.`,
		),
});

export const preferenceApplied = {
	"Preference-Applied": z.string().optional().describe("`wait=N` when the answer was held for Prefer: wait"),
};

/** The seconds a `Prefer` header asks to wait, capped; null when it asks for none (RFC 7240: what is not understood is ignored). */
export function preferredWait(header: string | undefined): number | null {
	for (const preference of header?.split(",") ?? []) {
		const [name, value] = preference.split(";")[0]?.split("=") ?? [];
		if (name?.trim().toLowerCase() !== "wait") continue;
		const seconds = value?.trim().replace(/^"(.*)"$/, "$1");
		if (!seconds || !/^\d{1,9}$/.test(seconds)) return null;
		return Math.min(Number(seconds), MAX_WAIT_SECONDS);
	}
	return null;
}

/** The response headers saying a wait was honoured. */
export const waitApplied = (seconds: number | null): Record<string, string> =>
	seconds === null ? {} : { "Preference-Applied": `wait=${seconds}` };
