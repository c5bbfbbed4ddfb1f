import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Delivery } from "../engine/host";
import { platform } from "../ops/platform";
import { callbackSecrets, verifyCallbackToken } from "../order/callback-token";
import { orderConfig } from "../order/config";
import { OrderId } from "../order/order";
import { PickConfirmation } from "../order/pick";
import { PICK_EVENT } from "../order/services";
import { DEFAULT_TENANT, type OrderRef, workflowIdOf } from "../order/tenant";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
import { clientAddress, countFailure, FAILURE_PERIOD_S, refuseIfLocked } from "./failed-auth";
import { ApiError, validationHook } from "./problem";
import {
	bodied,
	json,
	jsonRequest,
	OrderParams,
	orderNotFound,
	orderStub,
	problem,
	TenantQuery,
	tooMany,
	unexpected,
} from "./route-kit";

const PickAccepted = z.object({
	orderId: OrderId,
	event: z.literal(PICK_EVENT),
	outcome: Delivery.extract(["accepted", "duplicate"]),
});

const route = createRoute({
	method: "post",
	path: `/{orderId}/events/${PICK_EVENT}`,
	operationId: "confirmPick",
	summary: "The warehouse confirms the pick (authenticated by the callback token alone)",
	security: [],
	middleware: [requireJson] as const,
	request: { params: OrderParams, query: TenantQuery, body: jsonRequest(PickConfirmation) },
	responses: {
		202: json(PickAccepted, "Accepted: the order resumes"),
		200: json(PickAccepted, "Already accepted before; nothing happened twice"),
		...bodied,
		...unexpected,
		401: problem("Malformed or forged token"),
		403: problem("The token belongs to another order, tenant or event"),
		404: problem("No such order"),
		410: problem("The order no longer waits for a pick: its deadline passed, or it was cancelled or undone"),
		429: tooMany(
			`Too many failed attempts (forged or misdirected tokens) from this address: wait ${FAILURE_PERIOD_S} seconds`,
		),
	},
});

/**
 * Orders whose pick this isolate has seen accepted. Once accepted, a pick stays accepted (the journal
 * is append-only and a redrive never undoes an event), so the order's object would only answer a
 * repeat "duplicate": it is answered here without waking the object. Bounded, oldest forgotten first.
 */
const accepted = new Set<string>();
const MAX_REMEMBERED = 10_000;

function remember(ref: OrderRef): void {
	accepted.add(workflowIdOf(ref));
	if (accepted.size > MAX_REMEMBERED) accepted.delete(accepted.values().next().value as string);
}

/** The warehouse's callback: a signed token for one order and event, instead of an API key. */
export const pickCallback = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(route, async (c) => {
	const address = clientAddress(c.req.raw);
	refuseIfLocked(address);
	const { orderId } = c.req.valid("param");
	const { tenant } = c.req.valid("query");
	const { token, ...confirmation } = c.req.valid("json");
	// The settings the order's object runs with: after a deploy, both sides read the same.
	const workflowId = workflowIdOf({ tenant: tenant ?? DEFAULT_TENANT, orderId });
	const secrets = await callbackSecrets(orderConfig(platform.config(c.env, workflowId)).callbackSecrets);
	const check = await verifyCallbackToken(secrets, token, { orderId, event: PICK_EVENT });
	if (!check.ok && check.reason !== "wrong_order") {
		await countFailure(c.env, address);
		throw new ApiError(401, "invalid-callback-token", "The callback token is malformed or its signature is not valid.");
	}
	// The signed claims say whose order it is; a tenant in the URL must agree with them.
	if (!check.ok || (tenant !== undefined && tenant !== check.claims.tenant)) {
		await countFailure(c.env, address);
		throw new ApiError(403, "token-not-for-this-order", "The callback token was issued for another order or event.");
	}
	const ref = { tenant: check.claims.tenant, orderId };
	const body = { orderId, event: PICK_EVENT, outcome: "duplicate" } as const;
	if (accepted.has(workflowIdOf(ref))) return c.json(body, 200);
	const delivery = await orderStub(c.env, ref).confirmPick(confirmation);
	if (delivery === "not_found") throw orderNotFound(orderId);
	if (delivery === "gone")
		throw new ApiError(
			410,
			"pick-not-wanted",
			`Order ${orderId} no longer waits for a pick: its deadline passed, or it was cancelled or undone.`,
		);
	remember(ref);
	return delivery === "accepted" ? c.json({ ...body, outcome: delivery }, 202) : c.json(body, 200);
});
