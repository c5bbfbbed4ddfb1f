import { describe, expect, it } from "vitest";
import { newOrderId, pick, placeWaiting } from "./api";
import { CHROMIUM, shownStatus, signIn, useBrowser } from "./console";
import { KEYS, OPERATOR_NAME } from "./keys";

describe.skipIf(!CHROMIUM)("finding an order and acting on it", () => {
	const browser = useBrowser();

	it("filters the table by status and tenant, and follows an order's link to its page", async () => {
		const orderId = newOrderId("find-me");
		await placeWaiting(orderId, { key: KEYS.acmeClient, tenant: "acme" });
		const page = browser.page();
		await signIn(page);
		await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Orders", exact: true }).click();
		await page.waitForURL("**/ops/orders");
		const link = page.getByRole("link", { name: orderId });
		// The index follows the order through a queue: filter again until it is there.
		await expect
			.poll(
				async () => {
					await page.getByLabel("Status").selectOption("waiting");
					await page.getByLabel("Tenant").fill("acme");
					await page.getByRole("button", { name: "Filter" }).click();
					await page.waitForURL(/status=waiting/);
					return link.count();
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(1);
		await link.click();
		await page.waitForURL(`**/ops/orders/acme/${orderId}`);

		expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(`Order ${orderId}`);
		expect(await shownStatus(page)).toBe("waiting");
		const facts = page.locator("#live-facts");
		expect(await facts.textContent()).toContain("acme");
		expect(await facts.textContent()).toMatch(/Waiting forwarehouse-picked or warehouse-cannot-pick, until \d{4}-/);
		expect(await facts.textContent()).toMatch(/\d+ rows written/);
		const charge = page.locator('#live-steps tr[data-step="charge-payment"]');
		expect(await charge.textContent()).toContain(`acme/${orderId}:charge-payment`);
		expect(await page.locator("#live-timeline tbody tr").count()).toBeGreaterThan(5);
	});

	it("cancels a waiting order with a reason; the page follows it to cancelled", async () => {
		const orderId = newOrderId("cancel-me");
		await placeWaiting(orderId);
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${orderId}`);
		const cancel = page.getByRole("region", { name: "Cancel" });
		await cancel.getByLabel("Reason").fill("the customer phoned to cancel");
		await cancel.getByRole("button", { name: "Cancel order" }).click();
		await page.waitForURL(/done=cancel/);
		expect(await page.getByRole("status").first().textContent()).toContain("Cancel accepted");
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("cancelled");
		expect(await page.locator("#live-timeline").textContent()).toContain(
			`cancel by operator:${OPERATOR_NAME}: “the customer phoned to cancel”`,
		);
	});

	it("says in words why an action is refused: a cancel after the warehouse's pick is 409", async () => {
		const orderId = newOrderId("too-late");
		await placeWaiting(orderId);
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${orderId}`);
		// The operator is typing while the warehouse picks: the form stays, and the order refuses.
		const cancel = page.getByRole("region", { name: "Cancel" });
		await cancel.getByLabel("Reason").fill("too late, as it turns out");
		await pick(orderId);
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("completed");
		const answer = page.waitForResponse((r) => r.url().endsWith("/cancel"));
		await cancel.getByRole("button", { name: "Cancel order" }).click();
		expect((await answer).status()).toBe(409);
		expect(await page.getByRole("alert").textContent()).toContain(
			"Cannot cancel: the warehouse's pick was accepted: the order is past the point of no return.",
		);
		expect(await page.getByRole("region", { name: "Actions" }).textContent()).toContain(
			"No action applies to a completed order.",
		);
	});
});
