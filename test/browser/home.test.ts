import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { orderBody } from "../orders";
import { newOrderId, pick, placeNeedingAttention, placeOrder, placeWaiting, untilStatus } from "./api";
import { CHROMIUM, signIn, useBrowser } from "./console";

/**
 * The README's picture of the console, its home page: taken when it is missing, or again with
 * UPDATE_SCREENSHOTS=1, so that a test run leaves the checkout as it was.
 */
const SCREENSHOT = "docs/console-home.png";
const takeScreenshot = !existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === "1";

describe.skipIf(!CHROMIUM)("the console's home: the fleet's day at a glance", () => {
	const browser = useBrowser({ permissions: ["clipboard-read", "clipboard-write"] });
	const completed = [newOrderId("home-picked"), newOrderId("home-picked")];
	const declined = newOrderId("home-declined");
	const attention = newOrderId("home-attention");

	// A small day: two orders completed, one declined (compensated), one needing a person, one waiting.
	beforeAll(async () => {
		await Promise.all([
			...completed.map(async (orderId) => {
				await placeWaiting(orderId);
				await pick(orderId);
				await untilStatus(orderId, (s) => s.status === "completed");
			}),
			placeOrder(orderBody(declined, { paymentMethod: "pm_card_declined" })).then(() =>
				untilStatus(declined, (s) => s.status === "compensated"),
			),
			placeNeedingAttention(attention).then(() =>
				untilStatus(attention, (s) => s.status === "needs_attention", { timeoutMs: 45_000 }),
			),
			placeWaiting(newOrderId("home-waiting")),
		]);
	}, 60_000);

	it("signing in leads to the overview: counts in the navigation, the last day drawn, each linking on", async () => {
		const page = browser.page();
		await signIn(page);
		expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
		const legend = page.locator("#day-orders ~ figure .legend");
		const total = async (label: string) =>
			Number(/: (\d+)/.exec((await legend.getByText(label).textContent()) ?? "")?.[1]);
		// The index follows within seconds: reload until it has this file's orders.
		await expect
			.poll(
				async () => {
					await page.reload();
					return (await total("needing attention")) >= 1 && (await total("completed")) >= 2;
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(true);
		expect(await total("placed")).toBeGreaterThanOrEqual(5);
		expect(await total("compensated")).toBeGreaterThanOrEqual(1);
		expect(await page.getByRole("img", { name: /Orders per hour/ }).isVisible()).toBe(true);
		for (const name of ["payments", "inventory", "shipping", "email"])
			expect(
				await page.getByRole("img", { name: `${name}: failed calls per hour and breaker episodes` }).isVisible(),
			).toBe(true);
		// Payments failed the needing-attention order's charge five times.
		expect(await page.locator('section[aria-labelledby="day-payments"]').textContent()).toMatch(
			/failed calls: ([5-9]|\d\d+)/,
		);
		if (takeScreenshot) await page.screenshot({ path: SCREENSHOT });

		// The count is a link to the orders it counts, each showing where it failed and how long ago.
		await page
			.getByRole("list", { name: "Counts" })
			.getByRole("link", { name: /needs? attention/ })
			.click();
		await page.waitForURL(/status=needs_attention/);
		const row = page.getByRole("row", { name: new RegExp(attention) });
		// Other files' orders may be what the counts saw first: reload until the index has this one too.
		await expect
			.poll(
				async () => {
					await page.reload();
					return row.count();
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(1);
		expect(await row.textContent()).toContain("charge-payment: outcome_unknown");
		const created = row.locator("time").first();
		expect(await created.textContent()).toMatch(/ago$|^just now$/);
		expect(await created.getAttribute("title")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
	});

	it("the order page copies its trace id, order id and keys at a click", async () => {
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${completed[0]}`);
		const facts = page.locator("#live-facts");
		const traceId = await facts.locator("dt:has-text('Trace id') + dd code").textContent();
		expect(traceId).toMatch(/^[0-9a-f]{32}$/);
		const copy = page.getByRole("button", { name: "Copy the trace id" });
		await copy.click();
		await expect.poll(() => copy.textContent()).toBe("Copied");
		expect(await page.evaluate("navigator.clipboard.readText()")).toBe(traceId);
		await page.getByRole("button", { name: "Copy charge-payment's idempotency key" }).click();
		await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(`${completed[0]}:charge-payment`);
		// Each finished step's bar and duration, in the order they ran.
		expect(await page.getByRole("list", { name: "Step durations" }).textContent()).toMatch(
			/charge-payment: \d+ (ms|s).*reserve-inventory: .*schedule-shipping: .*send-confirmation: /,
		);
	});
});
