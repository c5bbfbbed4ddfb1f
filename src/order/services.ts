import { z } from "zod";
import { postJson } from "../engine/http";
import type { StepCall } from "../engine/steps";
import { callbackSecrets, signCallbackToken } from "./callback-token";
import type { OrderConfig } from "./config";
import { knownCodesOnly } from "./failure-codes";
import { type Order, orderTotalCents } from "./order";
import type { OrderRef } from "./tenant";

/** The services the order workflow calls, each behind its own circuit breaker (a step's `downstream`). */
export const DOWNSTREAMS = ["payments", "inventory", "shipping", "email"] as const;

/** The event the warehouse sends once the item is off the shelf. */
export const PICK_EVENT = "warehouse-picked";

const Created = z.object({ id: z.string().min(1) });
export type Charge = z.infer<typeof Created>;
export type Reservation = z.infer<typeof Created>;
export type Shipment = z.infer<typeof Created>;

/** Where the warehouse confirms the pick: the order's own route, its tenant named. */
export const pickCallbackUrl = (config: OrderConfig, { tenant, orderId }: OrderRef) =>
	`${config.publicBaseUrl}/orders/${encodeURIComponent(orderId)}/events/${PICK_EVENT}?tenant=${tenant}`;

/**
 * The downstream services the order workflow talks to, each call carrying its step's idempotency
 * key. `tenant` is the tenant of the order the object holds.
 */
export function createServices(config: OrderConfig, tenant: () => string) {
	const auth: Record<string, string> = config.downstreamApiKey
		? { Authorization: `Bearer ${config.downstreamApiKey}` }
		: {};
	const post = (url: string, body: unknown, call: StepCall) =>
		postJson(url, body, call, Created, auth).catch(knownCodesOnly);
	const id = (created: { id: string }) => encodeURIComponent(created.id);

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
			post(`${config.inventoryUrl}/reservations/${id(reservation)}/release`, { orderId: order.orderId }, call),
	};

	const shipping = {
		/**
		 * Books the shipment and hands the warehouse a signed callback for the pick. The token has no
		 * expiry of its own: the order's deadline decides, so it is valid exactly as long as the pick is
		 * wanted, and every retry sends the very same body under the same key.
		 */
		schedule: async (order: Order, call: StepCall): Promise<Shipment> => {
			const ref = { tenant: tenant(), orderId: order.orderId };
			const [signer] = await callbackSecrets(config.callbackSecrets);
			if (!signer) throw new Error("no CALLBACK_SECRET to sign with");
			const callbackToken = await signCallbackToken(signer, { ...ref, event: PICK_EVENT });
			const body = {
				orderId: order.orderId,
				address: order.shippingAddress,
				callbackUrl: pickCallbackUrl(config, ref),
				callbackToken,
			};
			return post(`${config.shippingUrl}/shipments`, body, call);
		},
		cancel: (order: Order, shipment: Shipment, call: StepCall) =>
			post(`${config.shippingUrl}/shipments/${id(shipment)}/cancel`, { orderId: order.orderId }, call),
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
