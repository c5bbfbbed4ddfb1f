import { beforeAll, describe, expect, it } from "vitest";
import { orderBody } from "../orders";
import { injectFault, newOrderId, pick, placeOrder, placeWaiting, untilStatus } from "./api";
import { CHROMIUM, shownStatus, signIn, useBrowser } from "./console";
import { KEYS, OPERATOR_NAME } from "./keys";

/** A phone's width: the console's own parts must fit it, with nothing to scroll sideways. */
const PHONE = { width: 390, height: 844 };

/** Whether the element fits the phone's width: nothing of it past the screen's edge, nothing inside it to scroll sideways. */
const fitsPhone = (selector: string) => (page: import("playwright-core").Page) =>
	page.locator(selector).evaluate((element, width) => {
		const box = element.getBoundingClientRect();
		return box.left >= 0 && box.right <= width && element.scrollWidth <= element.clientWidth;
	}, PHONE.width);

describe.skipIf(!CHROMIUM)("an operator's choices on one order and on many", () => {
	const browser = useBrowser();
	const inDoubt = [newOrderId("carry-on"), newOrderId("carry-on")];

	// Each charge takes effect and answers 502 five times while payments cannot tell (seven questions):
	// the orders need attention with their charge in doubt; from then on payments answers again. They are
	// tenant acme's, so that the bulk action's filter touches no other test's orders.
	beforeAll(async () => {
		for (const orderId of inDoubt) {
			await injectFault({
				service: "payments",
				operation: "charge",
				orderId,
				fault: "error_after",
				status: 502,
				times: 5,
			});
			await injectFault({ service: "payments", operation: "verify", orderId, fault: "error", status: 500, times: 7 });
			await placeOrder(orderBody(orderId), KEYS.acmeClient);
		}
		await Promise.all(
			inDoubt.map((orderId) =>
				untilStatus(orderId, (s) => s.status === "needs_attention", { tenant: "acme", timeoutMs: 45_000 }),
			),
		);
	}, 60_000);

	it("bulk retry from the filtered list: the preview's plan and counts, then progress and a summary, on a phone", async () => {
		const page = browser.page();
		await page.setViewportSize(PHONE);
		await signIn(page);
		const panel = page.getByRole("region", { name: "Act on every order this filter matches" });
		// The index follows the orders through a queue: until both are listed.
		await expect
			.poll(
				async () => {
					await page.goto("/ops/orders?status=needs_attention&tenant=acme");
					return page.getByRole("link", { name: /^carry-on-/ }).count();
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(inDoubt.length);
		expect(await fitsPhone("#bulk-title")(page)).toBe(true);
		expect(await panel.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
		await panel.getByLabel("Retry going").selectOption("forward");
		await panel.getByRole("button", { name: "Preview bulk retry" }).click();
		await page.waitForURL(/orders\/bulk\?/);
		const counts = await page.getByRole("list", { name: "Orders per outcome" }).textContent();
		expect(counts).toMatch(/^\d+ would be acted on/);
		const first = page.getByRole("list", { name: "The first orders it would touch" });
		for (const orderId of inDoubt) expect(await first.textContent()).toContain(orderId);
		expect(await first.textContent()).toContain("charge-payment (ask) → reserve-inventory (run)");
		expect(await page.locator("html").evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);

		await page.getByLabel("Reason").fill("payments answered for the charges");
		await page.getByRole("button", { name: "Confirm bulk retry" }).click();
		const summary = page.getByRole("list", { name: "Summary per outcome" });
		await summary.waitFor();
		expect(await page.getByRole("list", { name: "Progress" }).textContent()).toMatch(/Batch 1: \d+ orders/);
		expect(await summary.textContent()).toMatch(/\d+ accepted/);
		expect(await page.locator("html").evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
		// Carried on, each charged once: they go on to the warehouse.
		for (const orderId of inDoubt)
			await untilStatus(orderId, (s) => s.status === "waiting", { tenant: "acme", timeoutMs: 20_000 });
	});

	it("pause, resume and a terminate's dry run on the order page; its own parts fit a phone", async () => {
		const orderId = newOrderId("pause-me");
		await placeWaiting(orderId);
		const page = browser.page();
		await page.setViewportSize(PHONE);
		await signIn(page);
		await page.goto(`/ops/orders/default/${orderId}`);
		const pause = page.getByRole("region", { name: "Pause" });
		expect(await pause.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
		await pause.getByLabel("Reason").fill("address looks wrong");
		await pause.getByRole("button", { name: "Pause order" }).click();
		await page.waitForURL(/done=pause/);
		const resume = page.getByRole("region", { name: "Resume" });
		expect(await resume.textContent()).toContain(`Paused by operator:${OPERATOR_NAME}`);
		// The warehouse picks meanwhile: accepted, but the confirmation waits for the resume.
		await pick(orderId);
		await resume.getByLabel("Reason").fill("address confirmed by phone");
		await resume.getByRole("button", { name: "Resume order" }).click();
		await page.waitForURL(/done=resume/);
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("completed");
		const timeline = await page.locator("#live-timeline").textContent();
		expect(timeline).toContain(`pause by operator:${OPERATOR_NAME}: “address looks wrong”`);
		expect(timeline).toContain(`resume by operator:${OPERATOR_NAME}: “address confirmed by phone”`);

		const other = newOrderId("terminate-me");
		await placeWaiting(other);
		await page.goto(`/ops/orders/default/${other}`);
		const terminate = page.getByRole("region", { name: "Terminate" });
		await terminate.getByRole("button", { name: "Preview terminate" }).click();
		await page.waitForURL(/preview=terminate/);
		const stays = await terminate.getByRole("list", { name: "Steps that stay as they are" }).textContent();
		expect(stays).toContain("charge-payment");
		expect(stays).toContain("schedule-shipping");
		expect(await terminate.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
		await terminate.getByLabel("Reason").fill("shipped by hand from another warehouse");
		await terminate.getByRole("button", { name: "Confirm terminate" }).click();
		await page.waitForURL(/done=terminate/);
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("terminated");
	});
});
