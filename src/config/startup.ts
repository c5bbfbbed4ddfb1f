import { createMiddleware } from "hono/factory";
import { ApiError } from "../api/problem";
import { configProblems, describeProblems } from "./check";
import { Environment, localHostProblem } from "./deployment";
import { checkedSchema } from "./schema";

/**
 * What stops this Worker from working, checked at the start of every entry point: the whole
 * configuration (each bad setting named), then the database's migrations. Null when nothing does.
 */
export async function startupProblem(env: Env): Promise<string | null> {
	const problems = configProblems(env);
	if (problems.length > 0) return describeProblems(problems);
	return checkedSchema(env.DB);
}

/**
 * The fetch entry point's check: a request to a Worker that cannot work is answered 500, naming
 * what is wrong (never a value), before any route runs, so a misconfiguration shows at the first
 * request, the smoke test's, rather than on whichever request meets it first. A Worker with the
 * local settings serves this machine only. Requests under `except` are left to a check of their own.
 */
export const configured = (except?: string) =>
	createMiddleware<{ Bindings: Env }>(async (c, next) => {
		if (except && (c.req.path === except || c.req.path.startsWith(`${except}/`))) return next();
		const environment = Environment.safeParse(c.env.ENVIRONMENT).data;
		const problem = (await startupProblem(c.env)) ?? (environment ? localHostProblem(environment, c.req.url) : null);
		if (problem)
			throw new ApiError(500, "misconfigured", `This Worker cannot serve requests: ${problem}. Nothing was done.`);
		await next();
	});
