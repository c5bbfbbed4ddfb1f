import { describe, expect, it } from "vitest";
import {
	crash,
	crashAt,
	fireAlarm,
	getHistory,
	getStatus,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	placeOrder,
	requestsFor,
	settle,
	storedState,
} from "../helpers";

describe("the object crashes", () => {
	it("in the middle of the charge (effect applied, result not recorded): the alarm resumes it, asks, one charge", async () => {
		const orderId = newOrderId("crash-mid-step");
		await crashAt(orderId, (point) => point.at === "returned" && point.step === "charge-payment");
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		// The attempt cut off is in doubt: payments is asked about its key, says applied, and nothing is sent again.
		expect(status.steps[0]).toMatchObject({ name: "charge-payment", status: "succeeded", attempts: 1 });
		expect(status.steps[0]?.verification).toBe("applied");

		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		expect(requestsFor(l, "charge").map((r) => r.idempotencyKey)).toEqual([`${orderId}:charge-payment`]);
		expect(requestsFor(l, "verify").map((r) => r.idempotencyKey)).toEqual([`${orderId}:charge-payment`]);
		const lost = (await getHistory(orderId)).find((e) => e.type === "step_failed");
		expect(lost).toMatchObject({ step: "charge-payment", error: { kind: "unknown_outcome", code: "attempt_lost" } });
	});

	it("right after the charge is recorded, before the reservation: resumes at the reservation", async () => {
		const orderId = newOrderId("crash-between");
		await crashAt(
			orderId,
			(point) => point.at === "committed" && point.entries.some((e) => e.type === "step_succeeded"),
		);
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect((await ledger(orderId)).charges).toHaveLength(1);
		expect((await ledger(orderId)).reservations).toHaveLength(1);
	});

	it("while waiting between attempts: nothing is lost, nothing runs twice", async () => {
		const orderId = newOrderId("crash-while-retrying");
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 503 });
		await placeOrder(orderBody(orderId));
		await settle(orderId, (s) => s.steps[1]?.status === "retrying");
		await crash(orderId);
		expect((await getStatus(orderId)).steps[1]?.status).toBe("retrying");
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		const l = await ledger(orderId);
		expect([l.charges.length, l.reservations.length, requestsFor(l, "charge").length]).toEqual([1, 1, 1]);
	});

	it("while waiting for the warehouse: still waiting afterwards, with its deadline", async () => {
		const orderId = newOrderId("crash-while-waiting");
		await placeOrder(orderBody(orderId));
		const before = await settle(orderId);
		await crash(orderId);
		const after = await getStatus(orderId);
		expect(after.status).toBe("waiting");
		expect(after.waitingFor).toEqual(before.waitingFor);
	});
});

describe("the object crashes while handing over a notification", () => {
	it("a waiting order keeps an alarm: its deadline still fires", async () => {
		const orderId = newOrderId("crash-notify");
		await placeOrder(orderBody(orderId));
		await settle(orderId);
		await crashAt(orderId, (p) => p.at === "committed" && p.entries.some((e) => e.type === "notifications_sent"));
		await fireAlarm(orderId).catch(() => false); // the reminder; the crash hits its hand-over
		expect((await storedState(orderId)).alarm).not.toBeNull();
		const status = await settle(orderId, (s) => s.status === "compensated");
		expect(status.failure?.code).toBe("pick_deadline_exceeded");
	});
});
