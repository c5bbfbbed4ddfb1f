import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import {
	eventually,
	fireAlarm,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	placeOrder,
	placeUntilPick,
	settle,
} from "../helpers";

const alertKinds = async (orderId: string) =>
	(await ledger(orderId)).alerts.map((a) => (a.data as { alert: { kind: string } }).alert.kind);

describe("alerts while automation keeps trying", () => {
	it("a step retrying past its SLA raises one alert, and keeps trying", async () => {
		const orderId = newOrderId("stuck");
		// Each refusal asks for an hour's pause: the charge outlives its 15-minute SLA while still retrying.
		await injectFault({
			service: "payments",
			operation: "charge",
			orderId,
			fault: "error",
			status: 503,
			retryAfterSeconds: 3600,
			times: 2,
		});
		await placeOrder(orderBody(orderId));
		const retrying = await settle(orderId, (s) => s.steps[0]?.status === "retrying");
		expect(Date.parse(retrying.steps[0]?.nextAttemptAt ?? "") - Date.parse(retrying.createdAt)).toBeGreaterThan(
			DEFAULT_RETRY_POLICY.stuckAfterMs,
		);
		await fireAlarm(orderId); // the SLA comes first
		const stuck = (await getHistory(orderId)).filter((e) => e.type === "step_stuck");
		expect(stuck).toMatchObject([{ step: "charge-payment", attempts: 1 }]);
		expect(
			await eventually(
				() => alertKinds(orderId),
				(k) => k.length > 0,
			),
		).toEqual(["step_stuck"]);

		expect((await settle(orderId)).status).toBe("waiting"); // two hours later, it got through
		expect((await getHistory(orderId)).filter((e) => e.type === "step_stuck")).toHaveLength(1);
		await scheduler.wait(100);
		expect(await alertKinds(orderId)).toEqual(["step_stuck"]);
	});

	it("a human step half-way to its deadline raises a reminder alert", async () => {
		const orderId = newOrderId("reminder");
		await placeUntilPick(orderBody(orderId));
		await fireAlarm(orderId);
		expect(
			await eventually(
				() => alertKinds(orderId),
				(k) => k.length > 0,
			),
		).toEqual(["reminder"]);
	});
});
