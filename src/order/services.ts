import { z } from "zod";
import { RetryableError } from "../engine/errors";
import { postJson } from "../engine/http";
import type { Action, PinnedAction, StepCall } from "../engine/steps";
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

/** What the shipment's request takes from configuration, pinned at its first attempt: the callback URL and the signing key's id. */
const CallbackPin = z.object({ callbackUrl: z.string(), keyId: z.string() });
type CallbackPin = z.infer<typeof CallbackPin>;

/**
 * The downstream services the order workflow talks to, each call carrying its step's idempotency
 * key. `tenant` is the tenant of the order the object holds.
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
	};

	const inventory = {
		reserve: (order: Order): Action<Reservation> =>
			post(`${config.inventoryUrl}/reservations`, {
				orderId: order.orderId,
				items: order.items.map(({ sku, quantity }) => ({ sku, quantity })),
			}),
		release: (order: Order, reservation: Reservation) =>
			post(`${config.inventoryUrl}/reservations/${id(reservation)}/release`, { orderId: order.orderId }),
	};

	const shipping = {
		/**
		 * Books the shipment and hands the warehouse a signed callback for the pick. The token has no
		 * expiry of its own: the order's deadline decides, so it is valid exactly as long as the pick is
		 * wanted. The callback URL and the signing key are pinned at the first attempt, so every retry
		 * sends the very same body under the same key, even after `PUBLIC_BASE_URL` changed or
		 * `CALLBACK_SECRET` was rotated in between.
		 */
		schedule: (order: Order): PinnedAction<Shipment, CallbackPin> => ({
			async pin() {
				const [signer] = await callbackSecrets(config.callbackSecrets);
				if (!signer) throw new RetryableError("callback_key_missing", "no CALLBACK_SECRET to sign with");
				return {
					callbackUrl: pickCallbackUrl(config, { tenant: tenant(), orderId: order.orderId }),
					keyId: signer.kid,
				};
			},
			async send(call, pinned) {
				const { callbackUrl, keyId } = CallbackPin.parse(pinned);
				const signer = (await callbackSecrets(config.callbackSecrets)).find((s) => s.kid === keyId);
				// Signing with another key would send another body under the same key: a person restores the key.
				if (!signer)
					throw new RetryableError(
						"callback_key_missing",
						`CALLBACK_SECRET no longer has key ${keyId}, which this shipment's first request was signed with; put it back`,
					);
				const claims = { tenant: tenant(), orderId: order.orderId, event: PICK_EVENT };
				const callbackToken = await signCallbackToken(signer, claims);
				const body = { orderId: order.orderId, address: order.shippingAddress, callbackUrl, callbackToken };
				return send(`${config.shippingUrl}/shipments`, body, call);
			},
		}),
		cancel: (order: Order, shipment: Shipment) =>
			post(`${config.shippingUrl}/shipments/${id(shipment)}/cancel`, { orderId: order.orderId }),
	};

	const email = {
		sendConfirmation: (order: Order) =>
			post(`${config.emailUrl}/messages`, {
				orderId: order.orderId,
				to: order.customer.email,
				template: "order-confirmation",
			}),
	};

	return { payments, inventory, shipping, email };
}

export type Services = ReturnType<typeof createServices>;
