import { describe, expect, it } from "vitest";
import { newOrderId, ORDERS, pick, placeWaiting } from "./api";
import { CHROMIUM, shownStatus, signIn, useBrowser } from "./console";
import { KEYS } from "./keys";

/** A client's event stream of the order, held open from Node as an app's would be. */
async function clientStream(orderId: string): Promise<Response> {
	return fetch(`${ORDERS}/orders/${orderId}/events`, { headers: { Authorization: `Bearer ${KEYS.client}` } });
}

describe.skipIf(!CHROMIUM)("the order page's live view", () => {
	const browser = useBrowser();

	it("stays live while clients hold every stream of the order: a fifth client is refused, not the operator", async () => {
		const orderId = newOrderId("crowded");
		await placeWaiting(orderId);
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${orderId}`);
		await expect.poll(() => page.locator("#live-state").textContent()).toContain("Live:");

		const clients = await Promise.all(Array.from({ length: 4 }, () => clientStream(orderId)));
		try {
			expect(clients.map((r) => r.status)).toEqual([200, 200, 200, 200]);
			const fifth = await clientStream(orderId);
			expect(fifth.status).toBe(429);
			expect(fifth.headers.get("Retry-After")).toBeTruthy();

			// The operator's page still follows the order: the warehouse picks, the page says completed.
			await pick(orderId);
			await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("completed");
			expect(await page.locator("#live-state").textContent()).toContain("Live:");
		} finally {
			for (const client of clients) await client.body?.cancel();
		}
	});
});
