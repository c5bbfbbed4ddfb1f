import type { Workflow } from "../engine/steps";
import type { Order } from "./order";
import { CANNOT_PICK_EVENT, CannotPick, PICK_EVENT, WAREHOUSE_ANSWERS } from "./pick";
import type { Services } from "./services";

/**
 * Placing an order, as the business says it (workflow version 2). Each step's undo stands beside it,
 * and the question its service answers when the step's outcome is in doubt; retries, idempotency,
 * persistence, deadlines and compensation are the engine's business, not this file's.
 */
export function placeOrder(
	{ payments, inventory, shipping, email }: Services,
	pickDeadlineMs: number,
): Workflow<Order> {
	return {
		// Once the warehouse's pick is accepted the item is off the shelf: from then on nothing is
		// cancelled or undone, and a step that fails is left to a person. A cannot-pick undoes everything.
		pointOfNoReturn: PICK_EVENT,
		events: [WAREHOUSE_ANSWERS],
		run: async (order, step) => {
			await step.run("charge-payment", payments.charge(order), {
				downstream: "payments",
				verify: payments.verify(order),
				undo: (charge) => payments.refund(order, charge),
			});
			await step.run("reserve-inventory", inventory.reserve(order), {
				downstream: "inventory",
				verify: inventory.verify(order),
				undo: (reservation) => inventory.release(order, reservation),
			});
			await step.run("schedule-shipping", shipping.schedule(order, WAREHOUSE_ANSWERS), {
				downstream: "shipping",
				verify: shipping.verify(order),
				undo: (shipment) => shipping.cancel(order, shipment),
			});
			const warehouse = await step.waitForAny(WAREHOUSE_ANSWERS, {
				timeoutMs: pickDeadlineMs,
				timeoutCode: "pick_deadline_exceeded",
			});
			if (warehouse.event === CANNOT_PICK_EVENT)
				step.fail("cannot_pick", `the warehouse cannot pick the order (${CannotPick.parse(warehouse.payload).reason})`);
			await step.run("send-confirmation", email.sendConfirmation(order), {
				downstream: "email",
				verify: email.verify(order),
			});
		},
	};
}
