import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { newOrderId, placeNeedingAttention, untilStatus } from "./api";
import { CHROMIUM, shownStatus, signIn, useBrowser } from "./console";
import { OPERATOR_NAME } from "./keys";

/**
 * The README's picture of the order page: taken when it is missing, or again with UPDATE_SCREENSHOTS=1,
 * so that a test run leaves the checkout as it was.
 */
const SCREENSHOT = "docs/console-order.png";
const takeScreenshot = !existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === "1";

describe.skipIf(!CHROMIUM)("orders that need a person", () => {
	const browser = useBrowser();
	const toRetry = newOrderId("charged-then-502");
	const toResolve = newOrderId("refund-by-hand");

	// Five attempts with real backoff (up to 15 s in all), then three failed questions to payments (up to 3 s more) before each order gives up: both at once.
	beforeAll(async () => {
		await Promise.all([placeNeedingAttention(toRetry, { slowRefund: true }), placeNeedingAttention(toResolve)]);
		await Promise.all(
			[toRetry, toResolve].map((orderId) =>
				untilStatus(orderId, (s) => s.status === "needs_attention", { timeoutMs: 45_000 }),
			),
		);
	}, 60_000);

	it("the dead-letter page lists them, each linking to its order", async () => {
		const page = browser.page();
		await signIn(page);
		const link = page.getByRole("link", { name: toRetry });
		await expect
			.poll(
				async () => {
					await page.goto("/ops/dead-letters?status=open&tenant=default");
					return link.count();
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(1);
		expect(await page.getByRole("row", { name: new RegExp(toRetry) }).textContent()).toContain("outcome_unknown");
		await link.click();
		await page.waitForURL(`**/ops/orders/default/${toRetry}`);
		expect(await shownStatus(page)).toBe("needs_attention");
	});

	it("a retry shows both plans first, then undoes as chosen, and the page follows the order live to compensated", async () => {
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${toRetry}`);
		const retry = page.getByRole("region", { name: "Retry" });
		await retry.getByRole("button", { name: "Preview retry" }).click();
		await page.waitForURL(/preview=retry/);
		const carryOn = retry.getByRole("list", { name: "Steps if you carry on" });
		expect(await carryOn.textContent()).toContain("send-confirmation: runs");
		const undo = retry.getByRole("region", { name: "Undo" });
		const steps = undo.getByRole("list", { name: "Steps if you undo" });
		expect(await steps.textContent()).toContain("charge-payment: asked under its key whether it took effect");
		expect(await steps.textContent()).toContain(
			"charge-payment:undo (an undo): runs, only if the step in doubt took effect",
		);
		expect(await shownStatus(page)).toBe("needs_attention");
		if (takeScreenshot) await page.screenshot({ path: SCREENSHOT });

		await undo.getByLabel("Reason").fill("payments confirmed the charge went through");
		await undo.getByRole("button", { name: "Undo" }).click();
		await page.waitForURL(/done=retry/);
		// The refund is held back 3 s: the page loads before the order ends, and must follow it there.
		expect(await shownStatus(page)).not.toBe("compensated");
		await page.evaluate(() => {
			Object.assign(globalThis, { sameDocument: true });
		});
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("compensated");
		expect(await page.evaluate(() => "sameDocument" in globalThis)).toBe(true);
		expect(Number(await page.locator("#live-state").getAttribute("data-refreshed"))).toBeGreaterThan(0);
		const timeline = await page.locator("#live-timeline").textContent();
		expect(timeline).toContain(`retry by operator:${OPERATOR_NAME}: “payments confirmed the charge went through”`);
		expect(await page.locator('#live-steps tr[data-step="charge-payment:undo"]').textContent()).toContain("succeeded");
		await expect
			.poll(() => page.getByRole("region", { name: "Actions" }).textContent())
			.toContain("No action applies to a compensated order.");
	});

	it("resolve needs a reason, and closes the order as fixed by hand", async () => {
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${toResolve}`);
		const resolve = page.getByRole("region", { name: "Resolve" });
		// The browser itself refuses an empty reason (the server would too: 400), and nothing is sent.
		expect(await resolve.locator("input[name=reason]:invalid").count()).toBe(1);
		await resolve.getByLabel("Reason").fill("refunded by hand in the payments dashboard");
		await resolve.getByRole("button", { name: "Resolve" }).click();
		await page.waitForURL(/done=resolve/);
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("resolved");
		expect(await page.locator("#live-timeline").textContent()).toContain(`resolve by operator:${OPERATOR_NAME}`);
	});

	it("closed dead letters say who closed them, how and why", async () => {
		const page = browser.page();
		await signIn(page);
		const row = page.getByRole("row", { name: new RegExp(toResolve) });
		await expect
			.poll(
				async () => {
					await page.goto("/ops/dead-letters");
					await page.getByLabel("Status").selectOption("closed");
					await page.getByRole("button", { name: "Filter" }).click();
					await page.waitForURL(/status=closed/);
					return row.count();
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(1);
		expect(await row.textContent()).toContain(
			`resolve by operator:${OPERATOR_NAME}: “refunded by hand in the payments dashboard”`,
		);
	});
});
