import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { API_KEY, OPERATOR_KEY } from "../helpers";

const CHUNK = 16 * 1024;
const LIMIT = 64 * 1024;

/** A chunked body (no Content-Length) of `total` bytes, made on demand; `pulled` counts what the server read. */
function endlessBody(total: number) {
	const counter = { pulled: 0 };
	const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(CHUNK - 9)}`);
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (counter.pulled >= total) return controller.close();
			counter.pulled += chunk.byteLength;
			controller.enqueue(chunk);
		},
	});
	return { stream, counter };
}

function post(path: string, body: ReadableStream<Uint8Array>, key: string | null) {
	const headers: Record<string, string> = { "Content-Type": "application/json" };
	if (key) headers.Authorization = `Bearer ${key}`;
	return exports.default.fetch(`https://orders.test${path}`, {
		method: "POST",
		headers,
		body,
		duplex: "half",
	} as RequestInit);
}

describe("body limit while streaming", () => {
	it.each([
		["the unauthenticated pick callback", "/orders/o-1/events/warehouse-picked", null],
		["placing an order", "/orders", API_KEY],
		["an operator action", "/orders/o-1/cancel", OPERATOR_KEY],
	])("refuses a 400 MB chunked body to %s with 413 after reading little more than 64 KiB", async (_, path, key) => {
		const { stream, counter } = endlessBody(400 * 1024 * 1024);
		const response = await post(path, stream, key);
		expect(response.status).toBe(413);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		// What the runtime buffers ahead of the reader is bounded too: a few chunks, never the body.
		expect(counter.pulled).toBeLessThan(LIMIT + 8 * CHUNK);
	});

	it("accepts a chunked body under the limit as if it had a Content-Length", async () => {
		const { stream } = endlessBody(2 * CHUNK);
		// Two chunks of an unclosed JSON string: read whole, then refused as malformed, not as too large.
		const response = await post("/orders", stream, API_KEY);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ type: "/problems/malformed-json" });
	});
});
