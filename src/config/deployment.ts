import { z } from "zod";
import { isLoopback } from "../ops/config";

/**
 * Where this Worker runs, from the `ENVIRONMENT` var: `local` (wrangler.jsonc's top level, for `npm run
 * dev`), `test` (the Vitest pool), `staging` and `production` (its `env` blocks). Default `local`.
 */
export const Environment = z.enum(["local", "test", "staging", "production"]).default("local");
export type Environment = z.infer<typeof Environment>;

/** Staging and production: reached by the world, so held to the rules below. */
export const isDeployed = (environment: Environment) => environment === "staging" || environment === "production";

/** Shortest key or callback secret a deployed environment accepts, in characters: what `npm run new-key` makes. */
export const DEPLOYED_MIN_SECRET = 32;

/** Settings that are URLs: in a deployed environment none may point at this machine, or at a placeholder. */
export const URL_SETTINGS = [
	"PAYMENTS_URL",
	"INVENTORY_URL",
	"SHIPPING_URL",
	"EMAIL_URL",
	"PUBLIC_BASE_URL",
	"ALERT_WEBHOOK_URL",
] as const;

/** A URL setting's problem in a deployed environment, or null. */
export function deployedUrlProblem(value: unknown): string | null {
	if (typeof value !== "string") return null;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return null; // its own schema says so
	}
	if (isLoopback(url.hostname))
		return "points at this machine (a loopback address), which a deployed Worker cannot reach";
	if (url.protocol !== "https:") return "must be https:// in a deployed environment";
	if (url.hostname.endsWith(".invalid"))
		return "is still wrangler.jsonc's placeholder (.invalid): put the real URL there";
	return null;
}

/**
 * A request's host a Worker with the local settings may serve: this machine only. Served anywhere
 * else, it was deployed without `--env` (loopback URLs, the local rate-limit namespaces): refused.
 */
export function localHostProblem(environment: Environment, requestUrl: string): string | null {
	if (environment !== "local") return null;
	const { hostname } = new URL(requestUrl);
	if (isLoopback(hostname)) return null;
	return `ENVIRONMENT is local (wrangler.jsonc's top level, for npm run dev) but this Worker serves ${hostname}: deploy with --env staging or --env production`;
}
