import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SWEEP_GRACE_MS, sweep } from "../../src/ops/sweeper";
import { advanceClockBy } from "../clock";
import {
	act,
	alarmOf,
	cannotTell,
	d1Rows,
	EVERYTHING_UNDONE,
	effectCounts,
	eventually,
	getStatus,
	injectFault,
	inObject,
	newOrderId,
	orderBody,
	placeOrder,
	settle,
} from "../helpers";

describe("a redrive of an order compensating around a step in doubt", () => {
	it("waits for the step in doubt without waking on the undo it cannot reach yet, then undoes everything", async () => {
		const orderId = newOrderId("redrive-in-doubt");
		// Shipping answers 500 seven times (each may have booked it); the refund takes effect, then 5xx, five times.
		await injectFault({ service: "shipping", operation: "ship", orderId, fault: "error", status: 500, times: 7 });
		await injectFault({
			service: "payments",
			operation: "refund",
			orderId,
			fault: "error_after",
			status: 502,
			times: 5,
		});
		// Neither service can say what became of a key: only a person's redrive will learn it.
		await cannotTell(orderId, "shipping");
		await cannotTell(orderId, "payments");
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		expect((await settle(orderId)).status).toBe("needs_attention");
		// An hour ahead of real time, so that only this test fires the order's alarms: the platform's own
		// timer once sent shipping's retry between the reads below (the step in flight has no next attempt).
		advanceClockBy(orderId, 60 * 60_000);

		// The redrive gives both a fresh budget; the refund is due at once but comes only after shipping is
		// learned. The order must sleep until shipping's next attempt, not wake at once, over and over.
		expect((await act(orderId, "retry")).status).toBe(202);
		await eventually(
			() => inObject(orderId, (instance) => instance.engine.busy),
			(busy) => !busy,
		);
		// The alarm waits for shipping's next attempt (whose backoff may be a few ms: compared with it, not
		// with the clock, which real time moves on meanwhile).
		const alarm = await alarmOf(orderId);
		const shipping = (await getStatus(orderId)).steps.find((step) => step.name === "schedule-shipping");
		expect(alarm).not.toBeNull();
		const shippingDue = Date.parse(shipping?.nextAttemptAt ?? "");
		expect(alarm).toBeGreaterThanOrEqual(shippingDue);
		// The index shows the time the alarm acts on, never the undo's time that is past and waits behind
		// shipping: the sweeper would nudge the order every minute until shipping's retry.
		const [row] = await eventually(
			() => d1Rows("orders", orderId),
			(rows) => rows[0]?.status === "compensating",
		);
		expect(Number(row?.due_at)).toBeGreaterThanOrEqual(shippingDue);
		expect(await sweep(env, shippingDue + SWEEP_GRACE_MS - 1, [orderId])).toEqual([]);
		const status = await settle(orderId);
		expect(status.status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject(EVERYTHING_UNDONE);
	});
});
