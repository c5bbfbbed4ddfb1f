import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ORDERS } from "./api";
import { CHROMIUM, signIn, useBrowser, VIEWPORT } from "./console";
import { KEYS } from "./keys";

/** A second browser (its own cookies), signed in as the first one is, or given a cookie copied from it. */
async function anotherBrowser(page: Page) {
	const browser = page.context().browser();
	if (!browser) throw new Error("no browser");
	const context = await browser.newContext({ baseURL: ORDERS, viewport: VIEWPORT });
	context.setDefaultTimeout(15_000);
	return { context, page: await context.newPage() };
}

/** Where a visit to the orders page ends up: the page itself, or the sign-in form. */
async function landsOn(page: Page): Promise<string> {
	await page.goto("/ops/orders");
	return new URL(page.url()).pathname;
}

describe.skipIf(!CHROMIUM)("console sessions, recorded on the server", () => {
	const browser = useBrowser();

	it("a cookie copied before signing out opens nothing after it", async () => {
		const page = browser.page();
		await signIn(page);
		const copied = await page.context().cookies();
		expect(copied.map((c) => c.name)).toEqual(["ops_session"]);
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForURL("**/ops/sign-in?signed-out");

		const thief = await anotherBrowser(page);
		try {
			await thief.context.addCookies(copied);
			expect(await landsOn(thief.page)).toBe("/ops/sign-in");
			expect(await thief.page.getByLabel("Operator key").isVisible()).toBe(true);
		} finally {
			await thief.context.close();
		}
	});

	it("'Sign out every session of this key' signs out the other browsers of the key too", async () => {
		const page = browser.page();
		// A key of its own: the other test files run side by side, signed in with the usual operator key.
		await signIn(page, KEYS.sessionsOperator);
		const other = await anotherBrowser(page);
		try {
			await signIn(other.page, KEYS.sessionsOperator);
			await page.getByRole("link", { name: "Sessions" }).click();
			await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sessions");
			expect(await page.locator("tr[data-session]").count()).toBeGreaterThanOrEqual(2);
			await page.getByRole("button", { name: "Sign out every session of this key" }).click();
			await page.waitForURL("**/ops/sign-in?signed-out=all");
			expect(await page.getByRole("status").textContent()).toContain("Every session of your key is signed out");
			expect(await landsOn(page)).toBe("/ops/sign-in");
			expect(await landsOn(other.page)).toBe("/ops/sign-in");
		} finally {
			await other.context.close();
		}
	});
});
