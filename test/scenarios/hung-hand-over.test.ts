import { describe, expect, it } from "vitest";
import {
	confirmPick,
	eventually,
	fireAlarm,
	handedOver,
	ledger,
	newOrderId,
	orderBody,
	pickToken,
	placeOrder,
	settle,
} from "../helpers";
import { failQueue } from "../platform-faults";

describe("the queue hangs while the order hands over a notification", () => {
	it("the pick is neither refused nor held up, and the reminder is delivered once the queue answers", async () => {
		const orderId = newOrderId("hung-queue");
		await placeOrder(orderBody(orderId));
		await settle(orderId);
		failQueue(orderId, "hang", 2);
		await fireAlarm(orderId); // the reminder; its hand-over (and the index report) hang

		expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
		const status = await settle(orderId);
		expect(status.status).toBe("completed");
		expect((await ledger(orderId)).emails).toHaveLength(1);
		// The workflow went on while the hand-over hung; the hand-over is tried again at its own time.
		const reminded = () => handedOver(orderId, "event_reminder");
		expect(await reminded()).toBe(false);
		for (let round = 0; round < 5 && !(await reminded()); round++) {
			await fireAlarm(orderId);
			await settle(orderId);
		}
		expect(await reminded()).toBe(true);
		await eventually(
			async () => (await ledger(orderId)).alerts,
			(alerts) => alerts.length === 1,
		);
	});
});
