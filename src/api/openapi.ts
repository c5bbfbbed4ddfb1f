/** The OpenAPI document's own parts; its paths and schemas come from the routes' zod definitions. */
export const OPENAPI_CONFIG = {
	openapi: "3.1.0",
	info: {
		title: "saga-edge order orchestrator",
		version: "0.1.0",
		description: [
			"Durable orders on Cloudflare Durable Objects: charge, reserve, ship, pick, confirm; compensated when a step fails for good.",
			"",
			"Every order belongs to the tenant of the API key that placed it; other tenants' keys get 404 for it. Operator keys see every tenant (`?tenant=`).",
			"Each key may send 1,000 requests per 10 seconds; past that, 429 with Retry-After. Every time is ISO 8601 in UTC.",
			"Errors are RFC 9457 problem documents carrying the request's id (also in the X-Request-Id header).",
		].join("\n"),
		// The project's licence, as an SPDX expression: MIT or Apache-2.0, at the user's choice (LICENSE-MIT, LICENSE-APACHE).
		license: { name: "MIT OR Apache-2.0", identifier: "MIT OR Apache-2.0" },
	},
	// Relative: the document is served by the deployment it describes.
	servers: [{ url: "/", description: "The deployment that serves this document" }],
};
