import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shareBreakers } from "../breakers";
import {
	api,
	eventually,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeFailedRefund,
	placeOrder,
	settle,
} from "../helpers";
import { consoleRequest, csrfOf, page, signIn } from "./console";

/** Places declined orders (they settle at once, compensated at charge-payment) and waits until the index has each. */
async function placeDeclined(orderIds: string[]): Promise<void> {
	for (const orderId of orderIds) {
		expect((await placeOrder(orderBody(orderId, { paymentMethod: "pm_card_declined" }))).status).toBe(202);
		await settle(orderId);
	}
	for (const orderId of orderIds)
		await eventually(
			async () => (await api(`/orders?orderId=${orderId}`, { key: OPERATOR_KEY })).json<{ orders: unknown[] }>(),
			(page) => page.orders.length === 1,
		);
}

/** The links of a list page to order pages, in the order shown. */
const linkedOrders = (html: string) => [...html.matchAll(/href="\/ops\/orders\/default\/([^"?]+)"/g)].map((m) => m[1]);

/** A count the navigation shows, by its words ("need attention", "open dead letters"). */
const navCount = (html: string, words: string) => Number(new RegExp(`>(\\d+) ${words}<`).exec(html)?.[1] ?? Number.NaN);

/** A legend's total on the home page: "placed: 12". */
const legendTotal = (html: string, label: string) =>
	Number(new RegExp(`${label}: (\\d+)<`).exec(html)?.[1] ?? Number.NaN);

describe("the fleet in the console", () => {
	it("finds orders by exact id, by prefix and by when they were placed, and shows where each failed and when", async () => {
		const cookie = await signIn();
		const fleet = newOrderId("Fleet");
		await placeDeclined([`${fleet}-1`, `${fleet}-2`]);

		const exact = await page(`/ops/orders?orderId=${fleet}-2`, cookie);
		expect(linkedOrders(exact)).toEqual([`${fleet}-2`]);
		expect(exact).toContain(`<td data-label="Failure" class="wrap">charge-payment: card_declined</td>`);
		// A time in a list says how long ago, with the exact UTC time on hover.
		expect(exact).toMatch(
			/<time datetime="[^"]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC">(just now|\d+ s ago)<\/time>/,
		);

		expect(linkedOrders(await page(`/ops/orders?orderIdPrefix=${fleet}`, cookie))).toEqual([
			`${fleet}-2`,
			`${fleet}-1`,
		]);
		expect(linkedOrders(await page(`/ops/orders?orderIdPrefix=${fleet.toLowerCase()}`, cookie))).toEqual([]);
		expect(
			linkedOrders(await page(`/ops/orders?orderIdPrefix=${fleet}&failureStep=charge-payment`, cookie)),
		).toHaveLength(2);
		// Placed from the next hour on: none yet. The form's times are UTC, as the console's are.
		const later = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
		const none = await page(`/ops/orders?orderIdPrefix=${fleet}&createdAfter=${later}`, cookie);
		expect(none).toContain("No orders match.");
		const earlier = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
		expect(
			linkedOrders(
				await page(`/ops/orders?orderIdPrefix=${fleet}&createdAfter=${earlier}&createdBefore=${later}`, cookie),
			),
		).toHaveLength(2);
	});

	it("refuses a parameter it does not know, on the orders and the dead letters alike, saying which", async () => {
		const cookie = await signIn();
		for (const path of ["/ops/orders?orderid=x", "/ops/dead-letters?order=x", "/ops/orders?createdAfter=yesterday"]) {
			const response = await consoleRequest(path, { cookie });
			expect(response.status, path).toBe(400);
			expect(await response.text()).toMatch(/role="alert"[^>]*>[^<]*(Unrecognized key|Placed from: is not a date)/);
		}
	});

	it("finds dead letters by their order, and the navigation counts what needs attention", async () => {
		const cookie = await signIn();
		const orderId = await placeFailedRefund("console-dl-find");
		await eventually(
			async () => linkedOrders(await page(`/ops/dead-letters?orderId=${orderId}`, cookie)),
			(found) => found.length === 1,
		);
		expect(linkedOrders(await page(`/ops/dead-letters?orderIdPrefix=${orderId.slice(0, -3)}`, cookie))).toEqual([
			orderId,
		]);
		expect(linkedOrders(await page(`/ops/dead-letters?orderId=${orderId}x`, cookie))).toEqual([]);

		// The counts are the index's: compared with it, whatever else this file placed.
		const [attention, letters] = await Promise.all([
			env.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE status = 'needs_attention'").first<{ n: number }>(),
			env.DB.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE status = 'open'").first<{ n: number }>(),
		]);
		const home = await page("/ops", cookie);
		expect(attention?.n).toBeGreaterThan(0);
		expect(navCount(home, "needs? attention")).toBe(attention?.n);
		expect(navCount(home, "open dead letters?")).toBe(letters?.n);
		expect(home).toContain('href="/ops/orders?status=needs_attention"');
	});

	it("the home page draws the last day: orders placed and how they ended, and each downstream's failures and episodes", async () => {
		const cookie = await signIn();
		const prefix = newOrderId("home");
		shareBreakers(prefix);
		const before = await page("/ops", cookie);
		await placeDeclined([`${prefix}-1`, `${prefix}-2`]);
		const after = await eventually(
			() => page("/ops", cookie),
			(html) => legendTotal(html, "compensated") === legendTotal(before, "compensated") + 2,
		);
		expect(legendTotal(after, "placed")).toBe(legendTotal(before, "placed") + 2);
		expect(after).toContain('<svg viewBox="0 0 480 150" role="img" aria-label="Orders per hour');

		// Ten failed calls open payments' breaker: the home page shows them, and the episode behind them.
		const name = `payments@${prefix}`;
		await env.BREAKERS.get(env.BREAKERS.idFromName(name)).report("payments", name, {
			successes: 0,
			failures: 10,
			lastFailure: "http_503",
			probe: null,
		});
		const home = await page("/ops", cookie);
		const payments = home.slice(home.indexOf('id="day-payments"'), home.indexOf('id="day-inventory"'));
		expect(payments).toContain('<span class="status open">open</span>');
		expect(payments).toContain("failed calls: 10<");
		expect(payments).toContain("breaker episodes: 1<");
		expect(payments).toMatch(
			/<rect class="band opened"[^>]*><title>opened by the breaker \(failures\): 10 calls failed in a row/,
		);
	});

	it("the downstreams page lists each breaker's held orders, its episodes (why, by whom, how long) and its failure rate", async () => {
		const cookie = await signIn();
		const prefix = newOrderId("console-history");
		shareBreakers(prefix);
		const csrf = csrfOf(await page("/ops/downstreams", cookie));
		const pause = { csrf, reason: "gateway maintenance", requestKey: `console-${crypto.randomUUID()}` };
		expect((await consoleRequest("/ops/downstreams/payments/pause", { cookie, form: pause })).status).toBe(303);
		const orderId = `${prefix}-1`;
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		await settle(orderId, (s) => s.steps.some((step) => step.status === "held"));

		const paused = await page("/ops/downstreams", cookie);
		const section = (html: string) =>
			html.slice(html.indexOf('<section id="payments"'), html.indexOf('<section id="inventory"'));
		expect(section(paused)).toContain(`<a href="/ops/orders/default/${orderId}">${orderId}</a>, held since`);
		expect(section(paused)).toMatch(
			/<td data-label="How"><span class="status paused">paused<\/span><\/td><td data-label="Why" class="wrap">gateway maintenance \(operator:alice\)<\/td><td data-label="By">operator:alice<\/td><td data-label="Lasted">\d+ (ms|s) so far<\/td><td data-label="Ended">still going<\/td>/,
		);
		// The order's own page says why its step is held, and links to the downstream.
		const orderPage = await page(`/ops/orders/default/${orderId}`, cookie);
		expect(orderPage).toContain(
			'held: <a href="/ops/downstreams#payments">payments</a> was paused by an operator: gateway maintenance (operator:alice)',
		);

		const resume = { csrf, reason: "back", requestKey: `console-${crypto.randomUUID()}` };
		expect((await consoleRequest("/ops/downstreams/payments/resume", { cookie, form: resume })).status).toBe(303);
		expect((await settle(orderId)).status).toBe("waiting");
		const resumed = section(await page("/ops/downstreams", cookie));
		expect(resumed).toMatch(
			/<td data-label="Lasted">\d+ (ms|s)<\/td><td data-label="Ended"><time[^>]*>[^<]*<\/time>, by operator:alice<\/td>/,
		);
		expect(resumed).toContain("No order is held.");

		// Failures reported in the current window: the rate is theirs.
		const name = `payments@${prefix}`;
		await env.BREAKERS.get(env.BREAKERS.idFromName(name)).report("payments", name, {
			successes: 3,
			failures: 1,
			lastFailure: "http_503",
			probe: null,
		});
		expect(section(await page("/ops/downstreams", cookie))).toContain(
			"Recent failure rate: 25% failed: 1 of 4 calls reported in the current window.",
		);
	});
});
