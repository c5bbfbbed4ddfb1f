import { describe, expect, it } from "vitest";
import { clockOf } from "../clock";
import {
	confirmPick,
	crash,
	crashAt,
	eventually,
	fireAlarm,
	getHistory,
	getStatus,
	handedOver,
	ledger,
	newOrderId,
	orderBody,
	pickToken,
	placeOrder,
	settle,
} from "../helpers";
import { failQueue } from "../platform-faults";

/** Places an order and lets it wait for the warehouse; returns its pick deadline. */
async function waitingOrder(orderId: string): Promise<number> {
	await placeOrder(orderBody(orderId));
	const waiting = await settle(orderId);
	expect(waiting.status).toBe("waiting");
	return Date.parse(waiting.waitingFor?.deadline ?? "");
}

/** Nothing timer-driven came early: the deadline is not recorded, the order still waits, and its clock is before the deadline. */
async function expectStillWaiting(orderId: string, deadline: number) {
	expect(clockOf(orderId)).toBeLessThan(deadline);
	expect((await getStatus(orderId)).status).toBe("waiting");
	const history = await getHistory(orderId);
	expect(history.filter((e) => e.type === "step_failed" || e.type === "compensation_started")).toEqual([]);
	expect(history.filter((e) => e.type === "event_reminder")).toHaveLength(1);
}

describe("an alarm delivered to a fresh instance", () => {
	it("after a crash during the reminder's hand-over: the next alarm records nothing before its time", async () => {
		const orderId = newOrderId("fresh-alarm-crash");
		const deadline = await waitingOrder(orderId);
		await crashAt(orderId, (p) => p.at === "committed" && p.entries.some((e) => e.type === "notifications_sent"));
		await fireAlarm(orderId).catch(() => false); // the reminder; the crash hits its hand-over
		await fireAlarm(orderId).catch(() => false); // what the crashed instance left set, now on a fresh one
		await expectStillWaiting(orderId, deadline);

		// The warehouse picks the next day, a day before the deadline: accepted, and the order completes.
		expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
		expect((await settle(orderId)).status).toBe("completed");
	});

	it("after a queue outage and an eviction of the idle object: each retry alarm records nothing before its time", async () => {
		const orderId = newOrderId("fresh-alarm-outage");
		const deadline = await waitingOrder(orderId);
		failQueue(orderId, "throw", 6);
		await fireAlarm(orderId); // the reminder; its hand-over fails
		for (let round = 0; round < 10 && !(await handedOver(orderId, "event_reminder")); round++) {
			await crash(orderId); // evicted while idle
			await fireAlarm(orderId); // the hand-over's retry, on a fresh instance
			await expectStillWaiting(orderId, deadline);
		}
		await eventually(
			async () => (await ledger(orderId)).alerts,
			(alerts) => alerts.length === 1,
		);
		expect((await settle(orderId, (s) => s.status !== "waiting")).failure).toMatchObject({
			code: "pick_deadline_exceeded",
		});
		// The deadline came when it was due, not before.
		const missed = (await getHistory(orderId)).find((e) => e.type === "step_failed");
		expect(Date.parse(missed?.at ?? "")).toBeGreaterThanOrEqual(deadline);
	});
});
