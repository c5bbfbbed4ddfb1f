import { describe, expect, it } from "vitest";
import { api, newOrderId, orderBody, storedState } from "../helpers";

async function expectProblem(response: Response, status: number) {
	expect(response.status).toBe(status);
	expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	const problem = await response.json<{ type: string; title: string; status: number; detail: string }>();
	expect(problem).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//) });
	// Every problem names its request, as the X-Request-Id header does.
	expect(problem).toMatchObject({ requestId: response.headers.get("X-Request-Id") });
	expect(problem.title.length).toBeGreaterThan(0);
	expect(problem.detail.length).toBeGreaterThan(0);
	return problem;
}

describe("bad input never reaches an order's object and never answers 5xx", () => {
	it("malformed JSON → 400", async () => {
		const orderId = newOrderId("malformed");
		await expectProblem(await api("/orders", { method: "POST", body: `{"orderId":"${orderId}",` }), 400);
		expect(await storedState(orderId)).toEqual({ tables: [], entries: 0, alarm: null });
	});

	it("schema violations → 400 with field errors", async () => {
		const orderId = newOrderId("invalid");
		const body = orderBody(orderId, {
			items: [{ sku: "X", quantity: 0, unitPriceCents: 10 }],
			currency: "usd",
		});
		const problem = (await expectProblem(await api("/orders", { method: "POST", body }), 400)) as unknown as {
			errors: { path: string; message: string }[];
		};
		expect(problem.errors.map((e) => e.path).sort()).toEqual(["currency", "items.0.quantity"]);
		expect(await storedState(orderId)).toEqual({ tables: [], entries: 0, alarm: null });
	});

	it.each([
		["an invalid order id", { orderId: "-starts-with-dash" }],
		["too many items", { items: Array.from({ length: 101 }, () => ({ sku: "A", quantity: 1, unitPriceCents: 1 })) }],
		["no items", { items: [] }],
		["a quantity over 1000", { items: [{ sku: "A", quantity: 1001, unitPriceCents: 1 }] }],
		[
			"a bad country code",
			{ shippingAddress: { name: "A", line1: "B", city: "C", postalCode: "D", country: "Britain" } },
		],
		["an unknown field", { coupon: "FREE" }],
		["a bad email", { customer: { id: "c", email: "not-an-email" } }],
	])("rejects %s with 400", async (_, overrides) => {
		const body = { ...orderBody(newOrderId("field")), ...overrides };
		await expectProblem(await api("/orders", { method: "POST", body }), 400);
	});

	it("a body that is not JSON → 415", async () => {
		const orderId = newOrderId("form");
		const response = await api("/orders", {
			method: "POST",
			body: `orderId=${orderId}`,
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
		});
		await expectProblem(response, 415);
		await expectProblem(await api("/orders", { method: "POST", headers: {} }), 415);
	});

	it("a body over 64 KiB → 413", async () => {
		const body = orderBody(newOrderId("big"), { paymentMethod: "x".repeat(70_000) });
		await expectProblem(await api("/orders", { method: "POST", body }), 413);
	});

	it("an unknown route → 404, a wrong method → 405 with Allow", async () => {
		await expectProblem(await api("/nowhere"), 404);
		const wrongMethod = await api("/orders", { method: "PUT", body: {} });
		await expectProblem(wrongMethod, 405);
		expect(wrongMethod.headers.get("Allow")).toContain("POST");
		await expectProblem(await api(`/orders/${newOrderId("x")}`, { method: "DELETE" }), 405);
	});

	it("an invalid order id in the path → 400; an unknown one → 404, writing nothing", async () => {
		await expectProblem(await api("/orders/has%20space"), 400);
		const orderId = newOrderId("unknown");
		await expectProblem(await api(`/orders/${orderId}`), 404);
		await expectProblem(await api(`/orders/${orderId}/history`), 404);
		expect(await storedState(orderId)).toEqual({ tables: [], entries: 0, alarm: null });
	});

	it("a malformed pick callback → 400 before any token check", async () => {
		const orderId = newOrderId("pick-body");
		const response = await api(`/orders/${orderId}/events/warehouse-picked`, {
			method: "POST",
			key: null,
			body: { token: "t", pickedBy: "w", pickedAt: "yesterday" },
		});
		await expectProblem(response, 400);
	});

	it("answers with the caller's request id when it sends a sane one, and with secure headers", async () => {
		const mine = await api("/orders/no-such-order", { headers: { "X-Request-Id": "trace-abc-123" } });
		expect(mine.headers.get("X-Request-Id")).toBe("trace-abc-123");
		expect(await mine.json()).toMatchObject({ status: 404, requestId: "trace-abc-123" });
		// Not a sane id (spaces, too long): a fresh one instead.
		const odd = await api("/orders/no-such-order", { headers: { "X-Request-Id": "a b" } });
		expect(odd.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
		// Cloudflare's ray id stands in when there is no id of the caller's, but only one that looks like a ray:
		// a client's own cf-ray header is no way around the check (10 KB into every log line).
		const ray = await api("/orders/no-such-order", { headers: { "cf-ray": "8f2c1a2b3c4d5e6f-LHR" } });
		expect(ray.headers.get("X-Request-Id")).toBe("8f2c1a2b3c4d5e6f-LHR");
		for (const forged of ["x".repeat(10_000), "8f2c1a2b3c4d5e6f-LHR; drop", "<script>", "a b"]) {
			const answer = await api("/orders/no-such-order", { headers: { "cf-ray": forged } });
			expect(answer.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
			expect(await answer.json()).toMatchObject({ requestId: answer.headers.get("X-Request-Id") });
		}
		for (const response of [mine, await api("/openapi.json", { key: null })]) {
			expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
			expect(response.headers.get("Strict-Transport-Security")).toContain("max-age=");
			expect(response.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
		}
	});
});
