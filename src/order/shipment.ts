import { z } from "zod";
import { RetryableError } from "../engine/errors";
import type { PinnedAction, StepCall } from "../engine/steps";
import { callbackSecrets, signCallbackToken } from "./callback-token";
import type { OrderConfig } from "./config";
import type { Order } from "./order";
import { CANNOT_PICK_EVENT, PICK_EVENT, type WarehouseEvent } from "./pick";
import type { OrderRef } from "./tenant";

const Created = z.object({ id: z.string().min(1) });
export type Shipment = z.infer<typeof Created>;

/** Where the warehouse delivers `event` for an order: the order's own route, its tenant named. */
export const callbackUrl = (config: OrderConfig, { tenant, orderId }: OrderRef, event: WarehouseEvent) =>
	`${config.publicBaseUrl}/orders/${encodeURIComponent(orderId)}/events/${event}?tenant=${tenant}`;

/**
 * What the shipment's request takes from configuration, pinned at its first attempt: the callback URLs
 * and the signing key's id (the cannot-pick URL only where the warehouse is offered that answer).
 */
const CallbackPin = z.object({ callbackUrl: z.string(), keyId: z.string(), cannotPickUrl: z.string().optional() });
type CallbackPin = z.infer<typeof CallbackPin>;

/**
 * Books the shipment and hands the warehouse a signed callback for each answer it may give: the pick,
 * and (from workflow version 2) the cannot-pick, each with a token of its own. A token has no expiry
 * of its own: the order's deadline decides, so it is valid exactly as long as the answer is wanted.
 * The callback URLs and the signing key are pinned at the first attempt, so every retry sends the very
 * same body under the same key, even after `PUBLIC_BASE_URL` changed or `CALLBACK_SECRET` was rotated.
 */
export function scheduleShipment(
	config: OrderConfig,
	tenant: () => string,
	send: (url: string, body: unknown, call: StepCall) => Promise<Shipment>,
	order: Order,
	answers: readonly WarehouseEvent[],
): PinnedAction<Shipment, CallbackPin> {
	const ref = () => ({ tenant: tenant(), orderId: order.orderId });
	const sign = async (keyId: string, event: WarehouseEvent) => {
		const signer = (await callbackSecrets(config.callbackSecrets)).find((s) => s.kid === keyId);
		// Signing with another key would send another body under the same key: a person restores the key.
		if (!signer)
			throw new RetryableError(
				"callback_key_missing",
				`CALLBACK_SECRET no longer has key ${keyId}, which this shipment's first request was signed with; put it back`,
			);
		return signCallbackToken(signer, { ...ref(), event });
	};
	return {
		async pin() {
			const [signer] = await callbackSecrets(config.callbackSecrets);
			if (!signer) throw new RetryableError("callback_key_missing", "no CALLBACK_SECRET to sign with");
			const cannotPick = answers.includes(CANNOT_PICK_EVENT)
				? { cannotPickUrl: callbackUrl(config, ref(), CANNOT_PICK_EVENT) }
				: {};
			return { callbackUrl: callbackUrl(config, ref(), PICK_EVENT), keyId: signer.kid, ...cannotPick };
		},
		async send(call, pinned) {
			const { callbackUrl, keyId, cannotPickUrl } = CallbackPin.parse(pinned);
			const callbackToken = await sign(keyId, PICK_EVENT);
			const cannotPick =
				cannotPickUrl === undefined
					? {}
					: { cannotPick: { callbackUrl: cannotPickUrl, callbackToken: await sign(keyId, CANNOT_PICK_EVENT) } };
			const body = {
				orderId: order.orderId,
				address: order.shippingAddress,
				callbackUrl,
				callbackToken,
				...cannotPick,
			};
			return send(`${config.shippingUrl}/shipments`, body, call);
		},
	};
}
