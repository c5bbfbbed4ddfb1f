import { describe, expect, it } from "vitest";
import { traceIdOf } from "../../src/engine/trace";
import {
	fireAlarm,
	getHistory,
	getStatus,
	injectFault,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	outOfStockOrder,
	placeOrder,
	placeUntilPick,
	settle,
} from "../helpers";
import { page, signIn } from "./console";

/** Text as the page's HTML carries it. */
const html = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

describe("the order page, step by step", () => {
	it("draws each step's duration, shows its error and result, and offers the ids, keys and trace id to copy", async () => {
		const cookie = await signIn();
		const orderId = newOrderId("page-steps");
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 503, times: 1 });
		await placeUntilPick(orderBody(orderId));
		const status = await getStatus(orderId);
		const shown = await page(`/ops/orders/default/${orderId}`, cookie);

		// The waterfall: one bar per started step, its title the step's duration.
		expect(shown).toMatch(/<svg viewBox="0 0 480 \d+" class="waterfall"/);
		for (const step of status.steps.filter((s) => s.startedAt))
			expect(shown).toMatch(
				new RegExp(`<rect class="${step.status}"[^>]*><title>${step.name}: \\d+ (ms|s)( so far)?</title>`),
			);
		expect(shown).toContain('aria-label="Step durations"');

		// The reservation's failed first attempt, and what each service answered when it took effect.
		const reserve = shown.slice(shown.indexOf(`<tr data-step="reserve-inventory">`));
		expect(reserve).toMatch(
			/<td data-label="Last error" class="wrap">downstream_error \(unknown_outcome\): [^<]*answered 503/,
		);
		for (const entry of await getHistory(orderId, OPERATOR_KEY))
			if (entry.type === "step_succeeded")
				expect(shown).toContain(
					`<td data-label="Result" class="wrap"><code>${html(JSON.stringify(entry.result))}</code>`,
				);

		// What an operator pastes elsewhere: the order id, the trace id a service's logs group by, each key.
		expect(shown).toContain(`data-copy="${traceIdOf(orderId)}" aria-label="Copy the trace id"`);
		expect(shown).toContain(`data-copy="${orderId}" aria-label="Copy the order id"`);
		expect(shown).toContain(
			`data-copy="${orderId}:charge-payment" aria-label="Copy charge-payment&#39;s idempotency key"`,
		);
		expect(shown).toContain("navigator.clipboard.writeText");
	});

	it("shows nothing of the customer's email or address once they are erased", async () => {
		const cookie = await signIn();
		const orderId = newOrderId("page-erased");
		await placeOrder(outOfStockOrder(orderId));
		expect((await settle(orderId)).status).toBe("compensated");
		const before = await page(`/ops/orders/default/${orderId}`, cookie);
		expect(before).toContain("ada@example.com");
		await fireAlarm(orderId);
		expect((await getStatus(orderId)).customer.email).toBe("[erased]");
		const after = await page(`/ops/orders/default/${orderId}`, cookie);
		expect(after).toContain("[erased]");
		for (const piece of ["ada@example.com", "ada@", "St James", "SW1Y", "Lovelace"]) expect(after).not.toContain(piece);
	});
});
