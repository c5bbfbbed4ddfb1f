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
			.array(z.object({ path: z.string(), message: z.string() }))
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

export function validationError(error: z.ZodError, where: string): ApiError {
	const errors = error.issues.map((issue) => ({
		path: issue.path.join("."),
		message: issue.message,
	}));
	return new ApiError(400, "validation-error", `The ${where} is not valid; see errors.`, { errors });
}
