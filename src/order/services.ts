import { z } from "zod";
import type { StepCall } from "../engine/context";
import { postJson } from "../engine/http";
import { signCallbackToken } from "./callback-token";
import type { OrderConfig } from "./config";
import { type Order, orderTotalCents } from "./order";

/** The event the warehouse sends once the item is off the shelf. */
export const PICK_EVENT = "warehouse-picked";

/** A pick token stays valid a little past the deadline; the order object decides lateness from its own journal. */
const TOKEN_GRACE_MS = 60 * 60 * 1000;

const Created = z.object({ id: z.string().min(1) });
export type Charge = z.infer<typeof Created>;
export type Reservation = z.infer<typeof Created>;
export type Shipment = z.infer<typeof Created>;

export const pickCallbackUrl = (config: OrderConfig, orderId: string) =>
	`${config.publicBaseUrl}/orders/${encodeURIComponent(orderId)}/events/${PICK_EVENT}`;

/** The downstream services the order workflow talks to, each call carrying its step's idempotency key. */
export function createServices(config: OrderConfig) {
	const post = async (url: string, body: unknown, call: StepCall) => Created.parse(await postJson(url, body, call));

	const payments = {
		charge: (order: Order, call: StepCall): Promise<Charge> =>
			post(
				`${config.paymentsUrl}/charges`,
				{
					orderId: order.orderId,
					amountCents: orderTotalCents(order),
					currency: order.currency,
					paymentMethod: order.paymentMethod,
				},
				call,
			),
		refund: (order: Order, charge: Charge, call: StepCall) =>
			post(`${config.paymentsUrl}/refunds`, { chargeId: charge.id, amountCents: orderTotalCents(order) }, call),
	};

	const inventory = {
		reserve: (order: Order, call: StepCall): Promise<Reservation> =>
			post(
				`${config.inventoryUrl}/reservations`,
				{
					orderId: order.orderId,
					items: order.items.map(({ sku, quantity }) => ({ sku, quantity })),
				},
				call,
			),
		release: (order: Order, reservation: Reservation, call: StepCall) =>
			post(`${config.inventoryUrl}/reservations/${reservation.id}/release`, { orderId: order.orderId }, call),
	};

	const shipping = {
		/** Books the shipment and hands the warehouse a signed callback for the pick. */
		schedule: async (order: Order, call: StepCall): Promise<Shipment> => {
			// Built from the first attempt's time, so every retry sends the very same body under the same key.
			const callbackToken = await signCallbackToken(config.callbackSecret, {
				orderId: order.orderId,
				event: PICK_EVENT,
				expiresAt: call.firstAttemptAt + config.pickDeadlineMs + TOKEN_GRACE_MS,
			});
			const body = {
				orderId: order.orderId,
				address: order.shippingAddress,
				callbackUrl: pickCallbackUrl(config, order.orderId),
				callbackToken,
			};
			return post(`${config.shippingUrl}/shipments`, body, call);
		},
		cancel: (order: Order, shipment: Shipment, call: StepCall) =>
			post(`${config.shippingUrl}/shipments/${shipment.id}/cancel`, { orderId: order.orderId }, call),
	};

	const email = {
		sendConfirmation: (order: Order, call: StepCall) =>
			post(
				`${config.emailUrl}/messages`,
				{
					orderId: order.orderId,
					to: order.customer.email,
					template: "order-confirmation",
				},
				call,
			),
	};

	return { payments, inventory, shipping, email };
}

export type Services = ReturnType<typeof createServices>;
