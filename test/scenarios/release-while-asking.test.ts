import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shareBreakers, slowAnswersOf } from "../breakers";
import { clockOf } from "../clock";
import { eventually, getHistory, newOrderId, orderBody, placeOrder, settle } from "../helpers";

const request = (reason: string) => ({ actor: "operator:test", reason, requestKey: null });

describe("a release that overtakes the breaker's refusal on its way to the order", () => {
	it("lets the order go: it never waits for a recheck it would not need", async () => {
		const prefix = newOrderId("release-overtakes");
		shareBreakers(prefix, { api: false });
		const name = `shipping@${prefix}`;
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		await breaker.act("shipping", name, "pause", request("maintenance"));
		const orderId = `${prefix}-0`;
		// The breaker's answers reach this order late: the refusal of its shipment is still on its way...
		slowAnswersOf(orderId, 500);
		const placedAt = clockOf(orderId);
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		await eventually(
			() => breaker.describe("shipping", name),
			(view) => view.heldOrders === 1,
		);
		// ...when the service is resumed and the breaker releases the order it has just registered.
		await breaker.act("shipping", name, "resume", request("done"));
		await runDurableObjectAlarm(breaker);

		const status = await settle(orderId, (s) => s.status === "waiting");
		expect(status.status).toBe("waiting");
		// Released while it asked: no hold, no minute-long recheck.
		expect((await getHistory(orderId)).some((e) => e.type === "step_held")).toBe(false);
		expect(clockOf(orderId) - placedAt).toBeLessThan(60_000);
		expect((await breaker.describe("shipping", name)).heldOrders).toBe(0);
	});
});
