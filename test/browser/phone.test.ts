import { beforeAll, describe, expect, it } from "vitest";
import { newOrderId, placeNeedingAttention, placeWaiting, untilStatus } from "./api";
import { CHROMIUM, PHONE, shownStatus, signIn, useBrowser } from "./console";
import { misfits } from "./fits";

describe.skipIf(!CHROMIUM)("every console page on a phone, 390 px wide", () => {
	const browser = useBrowser({ viewport: PHONE });
	// The longest ids an order may have (64 characters): they must wrap, never push the page wider.
	const waiting = `phone-waiting-${crypto.randomUUID().replace(/-/g, "")}`.padEnd(64, "x").slice(0, 64);
	const attention = newOrderId("phone-attention");

	beforeAll(async () => {
		await Promise.all([placeWaiting(waiting), placeNeedingAttention(attention)]);
		await untilStatus(attention, (s) => s.status === "needs_attention", { timeoutMs: 45_000 });
	}, 60_000);

	it("the sign-in form fits", async () => {
		const page = browser.page();
		await page.goto("/ops/sign-in");
		expect(await misfits(page)).toEqual([]);
	});

	it("no page scrolls sideways, and nothing overflows its box", async () => {
		const page = browser.page();
		await signIn(page);
		const pages = [
			"/ops",
			"/ops/orders",
			`/ops/orders?status=needs_attention`,
			`/ops/orders?orderIdPrefix=phone-`,
			`/ops/dead-letters?orderId=${attention}`,
			"/ops/dead-letters?status=closed",
			"/ops/downstreams",
			"/ops/sessions",
			`/ops/orders/default/${waiting}`,
			`/ops/orders/default/${attention}?preview=retry`,
			"/ops/orders?unknown=1",
			"/ops/orders/default/no-such-order",
		];
		for (const path of pages) {
			await page.goto(path);
			expect(await misfits(page), path).toEqual([]);
		}
		// The day's numbers, opened.
		await page.goto("/ops");
		await page.getByText("The numbers, hour by hour").click();
		expect(await misfits(page), "/ops with its numbers open").toEqual([]);
		// The dead letter's message reads as text, not one character a line (once the queue has brought it).
		const message = page.locator('td[data-label="Message"]').first();
		await expect
			.poll(
				async () => {
					await page.goto(`/ops/dead-letters?orderId=${attention}`);
					return message.count();
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBe(1);
		expect(await misfits(page), "the dead letter").toEqual([]);
		expect((await message.boundingBox())?.width).toBeGreaterThan(150);
	});

	it("actions are within reach: an order is cancelled from its page on a phone", async () => {
		const page = browser.page();
		await signIn(page);
		await page.goto(`/ops/orders/default/${waiting}`);
		const cancel = page.getByRole("region", { name: "Cancel" });
		await cancel.getByLabel("Reason").fill("the customer phoned from the road");
		const button = cancel.getByRole("button", { name: "Cancel order" });
		await button.scrollIntoViewIfNeeded();
		const box = await button.boundingBox();
		expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
		await button.click();
		await page.waitForURL(/done=cancel/);
		await expect.poll(() => shownStatus(page), { timeout: 20_000 }).toBe("cancelled");
		expect(await misfits(page)).toEqual([]);
	});
});
