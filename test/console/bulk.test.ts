import { describe, expect, it } from "vitest";
import { placeInDoubt } from "../doubt";
import { d1Rows, effectCounts, eventually, getHistory, OPERATOR_KEY, placeFailedRefund, settle } from "../helpers";
import { consoleRequest, csrfOf, page, signIn } from "./console";

const audit = async (orderId: string) =>
	(await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");

/** Waits until the index shows every one of the orders as needing attention: the bulk actions read the index. */
const indexed = (orderIds: string[]) =>
	Promise.all(
		orderIds.map((orderId) =>
			eventually(
				() => d1Rows("orders", orderId),
				(rows) => rows[0]?.status === "needs_attention",
			),
		),
	);

/** Sends a bulk action's form as the preview page renders it, and reads the whole streamed answer. */
async function confirmBulk(cookie: string, query: string, reason: string) {
	const preview = await page(`/ops/orders/bulk?${query}`, cookie);
	const form: Record<string, string> = { csrf: csrfOf(preview), reason };
	for (const [, name, value] of preview.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
		if (name && name !== "csrf" && value !== undefined) form[name] = value;
	const response = await consoleRequest("/ops/orders/bulk", { cookie, form });
	expect(response.status).toBe(200);
	return { preview, done: await response.text() };
}

describe("bulk actions from the orders page", () => {
	it("a bulk retry is previewed with its plan, counts and first orders, then runs with progress and a summary", async () => {
		const orderIds = [
			await placeInDoubt("bulk-console", "error_after"),
			await placeInDoubt("bulk-console", "error_after"),
		];
		await indexed(orderIds);
		const cookie = await signIn();
		const list = await page("/ops/orders?status=needs_attention&failure=outcome_unknown", cookie);
		expect(list).toContain("Act on every order this filter matches");
		expect(list).toContain(">Preview bulk retry</button>");

		const query = "status=needs_attention&failure=outcome_unknown&action=retry&mode=forward";
		const { preview, done } = await confirmBulk(cookie, query, "payments answered for every charge");
		expect(preview).toContain("changed nothing; going forward");
		expect(preview).toMatch(/<ul aria-label="Orders per outcome">\s*<li>2 would be acted on<\/li>/);
		for (const orderId of orderIds) expect(preview).toContain(`>${orderId}</a>`);
		expect(preview).toContain("charge-payment (ask) → reserve-inventory (run) → schedule-shipping (run)");
		expect(done).toContain("<li>Batch 1: 2 orders, 2 so far</li>");
		expect(done).toContain("Done: 2 orders");
		expect(done).toMatch(/<ul aria-label="Summary per outcome">\s*<li>2 accepted<\/li>/);
		for (const orderId of orderIds) {
			expect(await audit(orderId)).toMatchObject([
				{ action: "retry", mode: "forward", reason: "payments answered for every charge" },
			]);
			expect((await settle(orderId)).status).toBe("waiting");
			expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
		}
	});

	it("a bulk resolve takes a reason and resolves every matching order; dead letters have row actions", async () => {
		const orderIds = [await placeFailedRefund("bulk-resolve"), await placeFailedRefund("bulk-resolve")];
		await indexed(orderIds);
		const cookie = await signIn();
		const letters = await page("/ops/dead-letters", cookie);
		for (const orderId of orderIds) {
			expect(letters).toContain(`href="/ops/orders/default/${orderId}?preview=retry">Preview retry</a>`);
			expect(letters).toContain(`action="/ops/orders/default/${orderId}/resolve"`);
		}
		const blank = await consoleRequest("/ops/orders/bulk", {
			cookie,
			form: { csrf: csrfOf(letters), action: "resolve", status: "needs_attention", reason: " " },
		});
		expect(blank.status).toBe(400);

		const query = "status=needs_attention&failure=downstream_error&action=resolve";
		const { done } = await confirmBulk(cookie, query, "refunded by hand, all of them");
		expect(done).toContain("Done: 2 orders");
		for (const orderId of orderIds) {
			expect(await audit(orderId)).toMatchObject([{ action: "resolve", reason: "refunded by hand, all of them" }]);
			expect((await settle(orderId)).status).toBe("resolved");
		}
	});
});
