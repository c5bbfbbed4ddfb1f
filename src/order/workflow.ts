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
			await step.run("charge-payment", (call) => payments.charge(order, call), {
				downstream: "payments",
				undo: (charge, call) => payments.refund(order, charge, call),
			});
			await step.run("reserve-inventory", (call) => inventory.reserve(order, call), {
				downstream: "inventory",
				undo: (reservation, call) => inventory.release(order, reservation, call),
			});
			await step.run("schedule-shipping", (call) => shipping.schedule(order, call), {
				downstream: "shipping",
				undo: (shipment, call) => shipping.cancel(order, shipment, call),
			});
			await step.waitForEvent(PICK_EVENT, { timeoutMs: pickDeadlineMs, timeoutCode: "pick_deadline_exceeded" });
			await step.run("send-confirmation", (call) => email.sendConfirmation(order, call), { downstream: "email" });
		},
	};
}
