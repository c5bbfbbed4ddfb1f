import { mkdir } from "node:fs/promises";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from "vitest";
import { ORDERS } from "./api";
import { KEYS } from "./keys";

/** The Chromium found by the config, or empty: then every browser test is skipped (or, under CI, fails the run). */
export const CHROMIUM = inject("chromium");

/** Where a failing test leaves its screenshot. */
const SCREENSHOTS = ".build/screenshots";

/** The viewport of every page: the size of the README's screenshot. */
export const VIEWPORT = { width: 1200, height: 900 };

/** A phone's viewport: the width every console page must work at. */
export const PHONE = { width: 390, height: 844 };

/**
 * One Chromium per test file and a fresh context per test (its own cookies, so each test signs in
 * itself); a test that fails leaves a screenshot of its page in .build/screenshots/.
 */
export function useBrowser(options: { viewport?: { width: number; height: number }; permissions?: string[] } = {}): {
	page: () => Page;
} {
	let browser: Browser | undefined;
	let context: BrowserContext | undefined;
	let current: Page | undefined;
	beforeAll(async () => {
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
	});
	afterAll(async () => {
		await browser?.close();
	});
	beforeEach(async () => {
		if (!browser) throw new Error("Chromium did not start");
		context = await browser.newContext({ baseURL: ORDERS, viewport: options.viewport ?? VIEWPORT });
		if (options.permissions) await context.grantPermissions(options.permissions);
		context.setDefaultTimeout(15_000);
		current = await context.newPage();
	});
	afterEach(async ({ task }) => {
		if (task.result?.state === "fail" && current) {
			await mkdir(SCREENSHOTS, { recursive: true });
			const name = `${task.file.name.replace(/\W+/g, "-")}-${task.name.replace(/\W+/g, "-")}`.slice(0, 150);
			await current.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
		}
		await context?.close();
	});
	return {
		page: () => {
			if (!current) throw new Error("no page outside a test");
			return current;
		},
	};
}

/** Signs in through the form, as a person does, from wherever the console sends a signed-out visitor. */
export async function signIn(page: Page, key: string = KEYS.operator): Promise<void> {
	await page.goto("/ops");
	await expect.poll(() => new URL(page.url()).pathname).toBe("/ops/sign-in");
	await page.getByLabel("Operator key").fill(key);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.waitForURL((url) => url.pathname === "/ops");
}

/** The order's status as its page shows it now. */
export const shownStatus = (page: Page) => page.locator("#live-facts dd .status").first().textContent();
