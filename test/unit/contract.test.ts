import { describe, expect, it } from "vitest";
import { contractBreaches } from "../contract";

// The contract check must fail when it should: answers that break the served document.
const problem = (status: number, extra: Record<string, unknown> = {}) =>
	Response.json(
		{ type: "/problems/x", title: "T", status, detail: "d", requestId: "r", ...extra },
		{ status, headers: { "Content-Type": "application/problem+json" } },
	);

describe("the contract check", () => {
	it("passes an answer the document describes", async () => {
		expect(await contractBreaches("GET", "https://orders.test/orders/o-1", problem(404))).toEqual([]);
	});

	it("catches a status the document does not list, a wrong content type, a body its schema refuses", async () => {
		expect(await contractBreaches("GET", "https://orders.test/orders/o-1", problem(418))).toEqual([
			"GET /orders/{orderId} answered 418, a status the document does not list",
		]);
		const asJson = Response.json({ type: "/problems/x" }, { status: 404 });
		expect((await contractBreaches("GET", "https://orders.test/orders/o-1", asJson))[0]).toContain(
			"as application/json, not as documented",
		);
		const noRequestId = problem(404, { requestId: undefined });
		expect((await contractBreaches("GET", "https://orders.test/orders/o-1", noRequestId))[0]).toContain(
			"a body its schema refuses",
		);
		const badStatus = Response.json({ orderId: "o-1", status: "exploded" }, { status: 200 });
		expect((await contractBreaches("GET", "https://orders.test/orders/o-1", badStatus))[0]).toContain(
			"a body its schema refuses",
		);
	});

	it("catches a documented header left out: a 202 placement without Location", async () => {
		const breaches = await contractBreaches("POST", "https://orders.test/orders", Response.json({}, { status: 202 }));
		expect(breaches).toContain("POST /orders answered 202 without its documented Location header");
	});
});
