import { z } from "zod";
import { postJson, verifyJson } from "../engine/http";
import type { Action, StepCall, Verify } from "../engine/steps";
import type { OrderConfig } from "./config";
import { knownCodesOnly } from "./failure-codes";
import { type Order, orderTotalCents } from "./order";
import type { WarehouseEvent } from "./pick";
import { type Shipment, scheduleShipment } from "./shipment";

/** The services the order workflow calls, each behind its own circuit breaker (a step's `downstream`). */
export const DOWNSTREAMS = ["payments", "inventory", "shipping", "email"] as const;

const Created = z.object({ id: z.string().min(1) });
export type Charge = z.infer<typeof Created>;
export type Reservation = z.infer<typeof Created>;
export type { Shipment };

/**
 * The downstream services the order workflow talks to, each call carrying its step's idempotency
 * key, and each service's answer about a key in doubt (the verify contract, in the README). `tenant`
 * is the tenant of the order the object holds.
 */
export function createServices(config: OrderConfig, tenant: () => string) {
	const auth: Record<string, string> = config.downstreamApiKey
		? { Authorization: `Bearer ${config.downstreamApiKey}` }
		: {};
	const send = (url: string, body: unknown, call: StepCall) =>
		postJson(url, body, call, Created, auth).catch(knownCodesOnly);
	const post =
		(url: string, body: unknown): Action<{ id: string }> =>
		(call) =>
			send(url, body, call);
	// Asked at the service's base URL; the order id is only there so the service can file the question.
	const verifyAt =
		(baseUrl: string) =>
		(order: Order): Verify<{ id: string }> =>
		(call) =>
			verifyJson(`${baseUrl}/verifications`, { orderId: order.orderId }, call, Created, auth).catch(knownCodesOnly);
	const id = (created: { id: string }) => encodeURIComponent(created.id);

	const payments = {
		charge: (order: Order): Action<Charge> =>
			post(`${config.paymentsUrl}/charges`, {
				orderId: order.orderId,
				amountCents: orderTotalCents(order),
				currency: order.currency,
				paymentMethod: order.paymentMethod,
			}),
		refund: (order: Order, charge: Charge) =>
			post(`${config.paymentsUrl}/refunds`, { chargeId: charge.id, amountCents: orderTotalCents(order) }),
		verify: verifyAt(config.paymentsUrl),
	};

	const inventory = {
		reserve: (order: Order): Action<Reservation> =>
			post(`${config.inventoryUrl}/reservations`, {
				orderId: order.orderId,
				items: order.items.map(({ sku, quantity }) => ({ sku, quantity })),
			}),
		release: (order: Order, reservation: Reservation) =>
			post(`${config.inventoryUrl}/reservations/${id(reservation)}/release`, { orderId: order.orderId }),
		verify: verifyAt(config.inventoryUrl),
	};

	const shipping = {
		/** Books the shipment, with a signed callback for each of `answers`, the warehouse's possible answers (shipment.ts). */
		schedule: (order: Order, answers: readonly WarehouseEvent[]) =>
			scheduleShipment(config, tenant, send, order, answers),
		cancel: (order: Order, shipment: Shipment) =>
			post(`${config.shippingUrl}/shipments/${id(shipment)}/cancel`, { orderId: order.orderId }),
		verify: verifyAt(config.shippingUrl),
	};

	const email = {
		sendConfirmation: (order: Order) =>
			post(`${config.emailUrl}/messages`, {
				orderId: order.orderId,
				to: order.customer.email,
				template: "order-confirmation",
			}),
		verify: verifyAt(config.emailUrl),
	};

	return { payments, inventory, shipping, email };
}

export type Services = ReturnType<typeof createServices>;
