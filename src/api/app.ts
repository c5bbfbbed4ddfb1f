import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { ConfigError } from "../order/config";
import { actions } from "./actions";
import type { AppEnv } from "./context";
import { operator } from "./operator";
import { orders } from "./orders";
import { ApiError } from "./problem";

const app = new OpenAPIHono<AppEnv>();

app.use(
	methodNotAllowed({
		app,
		onMethodNotAllowed: (c, methods) =>
			new ApiError(405, "method-not-allowed", `${c.req.method} is not allowed here; use ${methods.join(", ")}.`, {
				headers: { Allow: methods.join(", ") },
			}).toResponse(),
	}),
);

app.route("/orders", orders);
app.route("/orders", actions);
app.route("/", operator);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
	type: "http",
	scheme: "bearer",
});
app.doc31("/openapi.json", {
	openapi: "3.1.0",
	info: {
		title: "saga-edge order orchestrator",
		version: "0.1.0",
		description:
			"Durable orders on Cloudflare Durable Objects: charge, reserve, ship, pick, confirm; compensated when a step fails for good.",
	},
});

app.notFound((c) => new ApiError(404, "not-found", `No route for ${c.req.method} ${c.req.path}.`).toResponse());

app.onError((error, c) => {
	if (error instanceof ApiError) return error.toResponse();
	if (error instanceof HTTPException) {
		return new ApiError(error.status, "http-error", error.message || "The request could not be handled.").toResponse();
	}
	console.error("unhandled error", c.req.method, c.req.path, error);
	const detail = error instanceof ConfigError ? error.message : "An unexpected error occurred; it has been logged.";
	return new ApiError(500, error instanceof ConfigError ? "misconfigured" : "internal-error", detail).toResponse();
});

export { app };
