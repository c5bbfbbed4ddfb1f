import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH } from "../../src/engine/errors";
import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import type { OrderStatus } from "../../src/order/status";
import {
	api,
	d1Rows,
	eventually,
	getHistory,
	injectFault,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeOrder,
	settle,
} from "../helpers";
import { answerFor } from "../hostile-downstream";

/** Everything a client key reads of an order: its status, its history and its event stream's opening. */
async function clientView(orderId: string): Promise<string> {
	const status = await (await api(`/orders/${orderId}`)).text();
	const history = await (await api(`/orders/${orderId}/history`)).text();
	return `${status}\n${history}`;
}

const refusal = (status: number, body: unknown) => () => Response.json(body, { status });

describe("a downstream answers with values out of any sensible range", () => {
	it("a Retry-After of 10^13 seconds: capped at the policy's maximum, and the status still reads", async () => {
		const orderId = newOrderId("retry-after-huge");
		await injectFault({
			service: "payments",
			operation: "charge",
			orderId,
			fault: "error",
			status: 503,
			retryAfterSeconds: 10_000_000_000_000,
		});
		await placeOrder(orderBody(orderId));
		const retrying = await settle(orderId, (s) => s.steps[0]?.status === "retrying");
		const wait = Date.parse(retrying.steps[0]?.nextAttemptAt ?? "") - Date.parse(retrying.updatedAt);
		expect(wait).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxRetryAfterMs);
		expect((await api(`/orders/${orderId}/history`)).status).toBe(200);
		expect((await settle(orderId)).status).toBe("waiting");
	});

	it("an error message of megabytes: the journal keeps a bounded excerpt, and the order goes on", async () => {
		const orderId = newOrderId("huge-message");
		const message = "x".repeat(3 * 1024 * 1024);
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 400, message });
		const placed = await placeOrder(orderBody(orderId));
		expect(placed.status).toBe(202);
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "compensated", failure: { step: "charge-payment" } });
		expect(status.failure?.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
		const failed = (await getHistory(orderId)).find((e) => e.type === "step_failed");
		expect(JSON.stringify(failed).length).toBeLessThan(2 * MAX_MESSAGE_LENGTH);
	});

	it("a 300 KB error code: bounded before it is journaled, a small status, and the index still current", async () => {
		const orderId = newOrderId("huge-code");
		const restore = answerFor(orderId, "/charges", refusal(402, { code: "x".repeat(300_000), message: "declined" }));
		try {
			expect((await placeOrder(orderBody(orderId))).status).toBe(202);
			const status = await settle(orderId);
			expect(status).toMatchObject({ status: "compensated", failure: { step: "charge-payment", code: "http_402" } });
		} finally {
			restore();
		}
		const answer = await api(`/orders/${orderId}`);
		expect((await answer.text()).length).toBeLessThan(20_000);
		expect((await api(`/orders/${orderId}/history`)).headers.get("Content-Type")).toBe("application/json");
		// The index row was small enough for its queue, so the index shows the order as it ended.
		const [row] = await eventually(
			async () => (await d1Rows("orders", orderId)) as { status: string; failure_code: string }[],
			(rows) => rows[0]?.status === "compensated",
		);
		expect(row?.failure_code).toBe("http_402");
	});

	it("a code carrying an internal URL or a secret-like token never reaches a client; known codes do", async () => {
		const leaky = newOrderId("leaky-code");
		const secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
		const restore = answerFor(
			leaky,
			"/charges",
			refusal(402, { code: `https://payments.internal:8443/v1/charges?token=${secret}`, message: "declined" }),
		);
		const tokenLike = newOrderId("token-code");
		const restoreToo = answerFor(tokenLike, "/charges", refusal(402, { code: secret, message: "declined" }));
		try {
			for (const orderId of [leaky, tokenLike]) {
				await placeOrder(orderBody(orderId));
				const status: OrderStatus = await settle(orderId);
				expect(status.status).toBe("compensated");
				const shown = await clientView(orderId);
				expect(shown).not.toContain(secret);
				expect(shown).not.toContain("payments.internal");
				expect(["http_402", "downstream_error"]).toContain(status.failure?.code);
			}
		} finally {
			restore();
			restoreToo();
		}
		// Operators read what the downstream said, bounded, in the history: the code that is a plain identifier included.
		const history = await (await api(`/orders/${tokenLike}/history`, { key: OPERATOR_KEY })).text();
		expect(history).toContain(secret);
		// A code the business knows reaches the client as it is: the customer's card was declined.
		const declined = newOrderId("known-code");
		await placeOrder(orderBody(declined, { paymentMethod: "pm_card_declined" }));
		expect((await settle(declined)).failure).toMatchObject({ code: "card_declined" });
	});
});
