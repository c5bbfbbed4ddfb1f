import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/order/status";
import { shareBreakers } from "../breakers";
import { advanceClockBy, clockOf } from "../clock";
import {
	act,
	alarmOf,
	api,
	cannotTell,
	effectCounts,
	getHistory,
	getStatus,
	injectFault,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeOrder,
	settle,
} from "../helpers";
import { driveWorld } from "../world";

/** How soon after its service comes back a held step must be on its way: a release wave, not a recheck. */
const RELEASED_WITHIN_MS = 5_000;

const stepOf = (status: OrderStatus, name: string) => status.steps.find((s) => s.name === name);

const breakerAction = (name: string, action: "pause" | "resume") =>
	api(`/downstreams/${name}/${action}`, { method: "POST", key: OPERATOR_KEY, body: { reason: `test ${action}` } });

/** Redrives the order with `downstream` paused, and drives it until `step` is held. */
async function redriveInto(orderId: string, downstream: string, step: string): Promise<void> {
	expect((await breakerAction(downstream, "pause")).status).toBe(202);
	expect((await act(orderId, "retry")).status).toBe(202);
	await settle(orderId, (s) => stepOf(s, step)?.status === "held");
	// Whatever else the redrive reopened waits too: the order keeps an alarm all the same.
	expect(await alarmOf(orderId)).not.toBeNull();
}

/** Resumes the downstream and drives the order's world until `done`; says how long that took on its clock. */
async function resumeUntil(orderId: string, downstream: string, done: (s: OrderStatus) => boolean) {
	const resumedAt = clockOf(orderId);
	expect((await breakerAction(downstream, "resume")).status).toBe(202);
	await driveWorld([orderId], async () => done(await getStatus(orderId)));
	return clockOf(orderId) - resumedAt;
}

describe("a redrive that reopens several steps while a breaker holds one of them", () => {
	it("two failed undos redriven, the first held: released as soon as its service resumes, then both undone", async () => {
		const prefix = newOrderId("held-undos");
		shareBreakers(prefix);
		const orderId = `${prefix}-0`;
		// The warehouse never picks: compensation cancels the shipment and releases the stock, both failing for good.
		for (const [service, operation] of [
			["shipping", "cancel"],
			["inventory", "release"],
		] as const)
			await injectFault({ service, operation, orderId, fault: "error", status: 500, times: 5 });
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		expect((await settle(orderId, (s) => s.status === "waiting")).status).toBe("waiting");
		advanceClockBy(orderId, 3 * 86_400_000);
		expect((await settle(orderId, (s) => s.status === "needs_attention")).status).toBe("needs_attention");

		await redriveInto(orderId, "shipping", "schedule-shipping:undo");
		const took = await resumeUntil(orderId, "shipping", (s) => s.status === "compensated");
		expect(took).toBeLessThan(RELEASED_WITHIN_MS);
		expect(await effectCounts(orderId)).toMatchObject({ shipmentCancellations: 1, releases: 1, refunds: 1 });
	});

	it("a step in doubt redriven with the undo behind it, the step held: it goes on when its service comes back", async () => {
		const prefix = newOrderId("held-in-doubt");
		shareBreakers(prefix);
		const orderId = `${prefix}-0`;
		// Shipping answers 500 five times (each may have booked it); the refund takes effect, then 502, five times.
		await injectFault({ service: "shipping", operation: "ship", orderId, fault: "error", status: 500, times: 5 });
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

		await redriveInto(orderId, "shipping", "schedule-shipping");
		const took = await resumeUntil(orderId, "shipping", (s) => stepOf(s, "schedule-shipping")?.status !== "held");
		expect(took).toBeLessThan(RELEASED_WITHIN_MS);
		const status = await settle(orderId);
		expect(status.status).toBe("compensated");
		const released = (await getHistory(orderId)).filter((e) => e.type === "step_released");
		expect(released.map((e) => ("step" in e ? e.step : ""))).toContain("schedule-shipping");
	});
});
