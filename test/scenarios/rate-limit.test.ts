import { describe, expect, it } from "vitest";
import { API_KEY, api } from "../helpers";

/** Two keys of their own tenant, used by no other test, so their budgets are this file's alone. */
const BURST_KEY = "test-burst-key-0000a";
const NEIGHBOUR_KEY = "test-burst-key-0000b";
const LIMIT = 1000;

describe("rate limit per API key", () => {
	it("answers 429 with Retry-After past 1,000 requests in a window, and slows no other key", async () => {
		// A cheap authenticated request: the key is checked and counted, then the order id is refused.
		const probe = (key: string) => api("/orders/not%20an%20id", { key });
		let allowed = 0;
		let refused: Response | undefined;
		// Windows are fixed, so one may roll over during the burst: then up to twice the limit pass.
		while (!refused && allowed <= 2 * LIMIT) {
			const batch = await Promise.all(Array.from({ length: 50 }, () => probe(BURST_KEY)));
			for (const response of batch) {
				if (response.status === 429) refused ??= response;
				else {
					expect(response.status).toBe(400);
					allowed++;
				}
			}
		}
		expect(refused?.status).toBe(429);
		expect(allowed).toBeGreaterThanOrEqual(LIMIT);
		expect(allowed).toBeLessThanOrEqual(2 * LIMIT);
		expect(refused?.headers.get("Content-Type")).toBe("application/problem+json");
		expect(Number(refused?.headers.get("Retry-After"))).toBeGreaterThan(0);
		expect(await refused?.json()).toMatchObject({ status: 429, type: "/problems/rate-limited" });

		// Another key of the same tenant, and a key of another tenant, go on as before.
		expect((await probe(NEIGHBOUR_KEY)).status).toBe(400);
		expect((await probe(API_KEY)).status).toBe(400);
	});

	// Sent from inside the account (no CF-Connecting-IP), so no address's failures are counted either: see failed-attempts.test.ts.
	it("counts only authenticated requests: unknown keys past the limit get 401, and use up no one's budget", async () => {
		const statuses = new Set<number>();
		for (let sent = 0; sent < LIMIT + 100; sent += 50) {
			const batch = await Promise.all(
				Array.from({ length: 50 }, () => api("/orders/x", { key: "test-burst-key-0000c" })),
			);
			for (const response of batch) statuses.add(response.status);
		}
		expect([...statuses]).toEqual([401]);
		expect((await api("/orders/not%20an%20id", { key: NEIGHBOUR_KEY })).status).toBe(400);
	});
});
