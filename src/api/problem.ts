import { z } from "zod";

/** RFC 9457 problem details: the body of every error response. */
export const Problem = z
	.object({
		type: z.string().describe("A URI reference naming the kind of problem"),
		title: z.string(),
		status: z.int(),
		detail: z.string(),
		requestId: z.string().describe("This request's id, also in the X-Request-Id header and the Worker's logs"),
		errors: z
			.array(
				z.object({
					in: z.enum(["body", "path", "query", "header"]).describe("Where the field is"),
					path: z.string().describe("The field's path within it, dot-separated; empty for the whole"),
					message: z.string(),
				}),
			)
			.optional()
			.describe("Field errors of a request that failed validation"),
	})
	.meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;

const TITLES: Record<number, string> = {
	400: "Bad Request",
	401: "Unauthorized",
	403: "Forbidden",
	404: "Not Found",
	405: "Method Not Allowed",
	409: "Conflict",
	410: "Gone",
	413: "Content Too Large",
	415: "Unsupported Media Type",
	422: "Unprocessable Content",
	429: "Too Many Requests",
	500: "Internal Server Error",
};

/** An error the API answers with a problem document; `slug` names the problem type, stable for clients. */
export class ApiError extends Error {
	override name = "ApiError";
	constructor(
		readonly status: number,
		readonly slug: string,
		readonly detail: string,
		readonly extra: {
			errors?: Problem["errors"];
			headers?: Record<string, string>;
		} = {},
	) {
		super(detail);
	}

	toResponse(requestId: string): Response {
		const body: Problem = {
			type: `/problems/${this.slug}`,
			title: TITLES[this.status] ?? "Error",
			status: this.status,
			detail: this.detail,
			requestId,
			...(this.extra.errors ? { errors: this.extra.errors } : {}),
		};
		return new Response(JSON.stringify(body), {
			status: this.status,
			headers: {
				"Content-Type": "application/problem+json",
				"X-Request-Id": requestId,
				...this.extra.headers,
			},
		});
	}
}

const PLACES = { json: "body", param: "path", query: "query", header: "header" } as const;

/** The one answer to a request that fails validation, wherever it failed: each error says where. */
export function validationError(error: z.ZodError, target: string): ApiError {
	const place = PLACES[target as keyof typeof PLACES] ?? "body";
	const errors = error.issues.map((issue) => ({ in: place, path: issue.path.join("."), message: issue.message }));
	return new ApiError(400, "validation-error", "The request is not valid; see errors.", { errors });
}

/** The validation hook of every route: a failed check throws the one validation problem. */
export const validationHook = (result: { success: boolean; error?: unknown; target: string }) => {
	if (!result.success) throw validationError(result.error as z.ZodError, result.target);
};
