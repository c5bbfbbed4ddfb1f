import type { Workflow } from "../engine/steps";
import type { Order } from "./order";
import { PICK_EVENT, type Services } from "./services";

/**
 * Placing an order, as the business says it. Each step's undo stands beside it; retries,
 * idempotency, persistence, deadlines and compensation are the engine's business, not this file's.
 */
export function placeOrder(
	{ payments, inventory, shipping, email }: Services,
	pickDeadlineMs: number,
): Workflow<Order> {
	return {
		// Once the warehouse's pick is accepted the item is off the shelf: from then on nothing is
		// cancelled or undone, and a step that fails is left to a person.
		pointOfNoReturn: PICK_EVENT,
		run: async (order, step) => {
			await step.run("charge-payment", payments.charge(order), {
				downstream: "payments",
				undo: (charge) => payments.refund(order, charge),
			});
			await step.run("reserve-inventory", inventory.reserve(order), {
				downstream: "inventory",
				undo: (reservation) => inventory.release(order, reservation),
			});
			await step.run("schedule-shipping", shipping.schedule(order), {
				downstream: "shipping",
				undo: (shipment) => shipping.cancel(order, shipment),
			});
			await step.waitForEvent(PICK_EVENT, { timeoutMs: pickDeadlineMs, timeoutCode: "pick_deadline_exceeded" });
			await step.run("send-confirmation", email.sendConfirmation(order), { downstream: "email" });
		},
	};
}
