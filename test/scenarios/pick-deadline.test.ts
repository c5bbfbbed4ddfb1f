import { describe, expect, it } from "vitest";
import { WAREHOUSE_WAIT } from "../../src/order/pick";
import {
	confirmPick,
	EVERYTHING_UNDONE,
	effectCounts,
	fireAlarm,
	getHistory,
	getStatus,
	newOrderId,
	orderBody,
	pickToken,
	placeOrder,
	settle,
} from "../helpers";

describe("the warehouse never picks", () => {
	it("records a reminder at half the deadline, then compensates with pick_deadline_exceeded", async () => {
		const orderId = newOrderId("pick-deadline");
		await placeOrder(orderBody(orderId));
		const waiting = await settle(orderId);
		expect(waiting.status).toBe("waiting");

		await fireAlarm(orderId); // half the deadline
		const reminded = await getStatus(orderId);
		expect(reminded.status).toBe("waiting");
		const reminder = (await getHistory(orderId)).find((e) => e.type === "event_reminder");
		expect(reminder).toMatchObject({
			step: WAREHOUSE_WAIT,
			deadline: waiting.waitingFor?.deadline,
		});

		const status = await settle(orderId, (s) => s.status === "compensated"); // the deadline
		expect(status).toMatchObject({
			status: "compensated",
			failure: { step: WAREHOUSE_WAIT, code: "pick_deadline_exceeded" },
		});
		expect(await effectCounts(orderId)).toMatchObject(EVERYTHING_UNDONE);
		expect(status.steps.filter((s) => s.name.endsWith(":undo")).map((s) => s.name)).toEqual([
			"schedule-shipping:undo",
			"reserve-inventory:undo",
			"charge-payment:undo",
		]);

		// A pick that comes after the deadline is refused, and changes nothing.
		const late = await confirmPick(orderId, await pickToken(orderId));
		expect(late.status).toBe(410);
		expect(late.headers.get("Content-Type")).toBe("application/problem+json");
		expect((await getStatus(orderId)).status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject({ emails: 0 });
	});
});
