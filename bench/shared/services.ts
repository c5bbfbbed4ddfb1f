import { type Order, orderTotalCents } from "../../src/order/order";
import { post } from "./downstream";

/** Where the sandbox services live, as `--var`s of the baseline Workers. */
export interface ServiceUrls {
	PAYMENTS_URL: string;
	INVENTORY_URL: string;
	SHIPPING_URL: string;
	EMAIL_URL: string;
}

export const PICK_EVENT = "warehouse-picked";

/** The orchestrator's time limit per downstream call (its DOWNSTREAM_TIMEOUT_MS default). */
export const CALL_TIMEOUT_MS = 10_000;

/** The idempotency keys the orchestrator uses (`<orderId>:<step>`), so every system sends the same requests. */
export const keyOf = (order: Order, step: string) => `${order.orderId}:${step}`;

/**
 * The same seven downstream requests, with the same bodies, that the orchestrator's services make;
 * only the plumbing around them differs between the systems under test.
 */
export function services(env: ServiceUrls) {
	const call = (url: string, body: unknown, key: string) => post(url, body, key, CALL_TIMEOUT_MS);
	return {
		charge: (order: Order, key: string) =>
			call(
				`${env.PAYMENTS_URL}/charges`,
				{
					orderId: order.orderId,
					amountCents: orderTotalCents(order),
					currency: order.currency,
					paymentMethod: order.paymentMethod,
				},
				key,
			),
		refund: (order: Order, chargeId: string, key: string) =>
			call(`${env.PAYMENTS_URL}/refunds`, { chargeId, amountCents: orderTotalCents(order) }, key),
		reserve: (order: Order, key: string) =>
			call(
				`${env.INVENTORY_URL}/reservations`,
				{ orderId: order.orderId, items: order.items.map(({ sku, quantity }) => ({ sku, quantity })) },
				key,
			),
		release: (order: Order, reservationId: string, key: string) =>
			call(`${env.INVENTORY_URL}/reservations/${reservationId}/release`, { orderId: order.orderId }, key),
		ship: (order: Order, callback: { url: string; token: string }, key: string) =>
			call(
				`${env.SHIPPING_URL}/shipments`,
				{
					orderId: order.orderId,
					address: order.shippingAddress,
					callbackUrl: callback.url,
					callbackToken: callback.token,
				},
				key,
			),
		cancel: (order: Order, shipmentId: string, key: string) =>
			call(`${env.SHIPPING_URL}/shipments/${shipmentId}/cancel`, { orderId: order.orderId }, key),
		email: (order: Order, key: string) =>
			call(
				`${env.EMAIL_URL}/messages`,
				{ orderId: order.orderId, to: order.customer.email, template: "order-confirmation" },
				key,
			),
	};
}

export const pickUrl = (publicBaseUrl: string, orderId: string) =>
	`${publicBaseUrl.replace(/\/+$/, "")}/orders/${encodeURIComponent(orderId)}/events/${PICK_EVENT}`;
