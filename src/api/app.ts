import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { configured } from "../config/startup";
import { ConfigError } from "../order/config";
import { actions } from "./actions";
import { bulkRetry } from "./bulk-retry";
import type { AppEnv } from "./context";
import { downstreams } from "./downstreams";
import { OPENAPI_CONFIG } from "./openapi";
import { operator } from "./operator";
import { orders } from "./orders";
import { pickCallback } from "./pick-callback";
import { ApiError } from "./problem";

const app = new OpenAPIHono<AppEnv>();

/** What Cloudflare's ray ids look like: 16 hex digits and the data centre. Anything else in `cf-ray` is a client's own. */
const RAY = /^[0-9a-f]{16}(?:-[A-Z]{3,4})?$/;

// Cloudflare's ray id when there is one, so a problem's requestId finds the request in Cloudflare's logs too; a
// `cf-ray` that is not a ray is no way around the sanity check of X-Request-Id (it would go into every log line).
app.use(
	requestId({
		generator: (c) => {
			const ray = c.req.header("cf-ray");
			return ray && RAY.test(ray) ? ray : crypto.randomUUID();
		},
	}),
);
// Every answer is one caller's (an order's status and history carry its customer's email and address): no cache,
// shared or private, may keep it. A route that sets its own Cache-Control keeps it.
app.use(async (c, next) => {
	await next();
	if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});
// A header a route set itself is kept: the console sets its own CSP and Referrer-Policy.
app.use(secureHeaders({ overwrite: false }));
// The configuration and the database, checked before any route; the console checks for itself, to answer with a page.
app.use(configured("/ops"));
app.use(
	methodNotAllowed({
		app,
		onMethodNotAllowed: (c, methods) =>
			new ApiError(405, "method-not-allowed", `${c.req.method} is not allowed here; use ${methods.join(", ")}.`, {
				headers: { Allow: methods.join(", ") },
			}).toResponse(c.get("requestId")),
	}),
);

app.route("/", bulkRetry);
app.route("/orders", orders);
app.route("/orders", actions);
app.route("/orders", pickCallback);
app.route("/", operator);
app.route("/", downstreams);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
	type: "http",
	scheme: "bearer",
});
app.doc31("/openapi.json", OPENAPI_CONFIG);

/** The document `/openapi.json` serves, for the tools that check it outside the Worker (scripts/openapi.mjs). */
export const openApiDocument = () => app.getOpenAPI31Document(OPENAPI_CONFIG);

app.notFound((c) =>
	new ApiError(404, "not-found", `No route for ${c.req.method} ${c.req.path}.`).toResponse(c.get("requestId")),
);

app.onError((error, c) => {
	const id = c.get("requestId");
	if (error instanceof ApiError) return error.toResponse(id);
	if (error instanceof HTTPException) {
		return new ApiError(error.status, "http-error", error.message || "The request could not be handled.").toResponse(
			id,
		);
	}
	console.error(`request ${id}: unhandled error in ${c.req.method} ${c.req.path}`, error);
	const detail =
		error instanceof ConfigError ? error.message : `An unexpected error occurred; it was logged with request id ${id}.`;
	return new ApiError(500, error instanceof ConfigError ? "misconfigured" : "internal-error", detail).toResponse(id);
});

export { app };
