import type { Workflow } from "../engine/steps";
import type { Order } from "./order";
import { PICK_EVENT } from "./pick";
import type { Services } from "./services";

/**
 * Version 1 of placing an order, kept as it was for the orders still in flight on it (see "Changing
 * the workflow" in the README): the warehouse can only pick, and is given a callback for that alone.
 * Never edit it: `npm test` replays its recorded journals against it.
 */
export function placeOrderV1(
	{ payments, inventory, shipping, email }: Services,
	pickDeadlineMs: number,
): Workflow<Order> {
	return {
		// Once the warehouse's pick is accepted the item is off the shelf: from then on nothing is
		// cancelled or undone, and a step that fails is left to a person.
		pointOfNoReturn: PICK_EVENT,
		events: [[PICK_EVENT]],
		run: async (order, step) => {
			await step.run("charge-payment", payments.charge(order), {
				downstream: "payments",
				undo: (charge) => payments.refund(order, charge),
			});
			await step.run("reserve-inventory", inventory.reserve(order), {
				downstream: "inventory",
				undo: (reservation) => inventory.release(order, reservation),
			});
			await step.run("schedule-shipping", shipping.schedule(order, [PICK_EVENT]), {
				downstream: "shipping",
				undo: (shipment) => shipping.cancel(order, shipment),
			});
			await step.waitForEvent(PICK_EVENT, { timeoutMs: pickDeadlineMs, timeoutCode: "pick_deadline_exceeded" });
			await step.run("send-confirmation", email.sendConfirmation(order), { downstream: "email" });
		},
	};
}
