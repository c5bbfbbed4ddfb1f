import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Delivery } from "../engine/host";
import { platform } from "../ops/platform";
import { callbackSecrets, verifyCallbackToken } from "../order/callback-token";
import { orderConfig } from "../order/config";
import { OrderId } from "../order/order";
import { CANNOT_PICK_EVENT, CannotPickReport, PICK_EVENT, PickConfirmation, type WarehouseEvent } from "../order/pick";
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

/** The warehouse's two answers about an order's shipment: each its own route, body and signed token. */
const ANSWERS = {
	[PICK_EVENT]: {
		body: PickConfirmation,
		operationId: "confirmPick",
		summary: "The warehouse confirms the pick (authenticated by the callback token alone)",
		accepted: "Accepted: the order is committed and resumes",
	},
	[CANNOT_PICK_EVENT]: {
		body: CannotPickReport,
		operationId: "reportCannotPick",
		summary: "The warehouse cannot pick the order, and says why; the order is undone at once (workflow version 2 on)",
		accepted: "Accepted: the order undoes what it did (refund, release, cancel shipment)",
	},
} as const;

function routeOf(event: WarehouseEvent) {
	const answer = ANSWERS[event];
	const Accepted = z.object({
		orderId: OrderId,
		event: z.literal(event),
		outcome: Delivery.extract(["accepted", "duplicate"]),
	});
	return createRoute({
		method: "post",
		path: `/{orderId}/events/${event}`,
		operationId: answer.operationId,
		summary: answer.summary,
		security: [],
		middleware: [requireJson] as const,
		request: { params: OrderParams, query: TenantQuery, body: jsonRequest(answer.body) },
		responses: {
			202: json(Accepted, answer.accepted),
			200: json(Accepted, "Already accepted before, with the same body; nothing happened twice"),
			...bodied,
			...unexpected,
			401: problem("Malformed or forged token"),
			403: problem("The token belongs to another order, tenant or event"),
			404: problem("No such order"),
			410: problem(
				"The order no longer waits for this: its deadline passed, the warehouse's other answer came first (or this one, with another body), or it was cancelled or undone",
			),
			429: tooMany(
				`Too many failed attempts (forged or misdirected tokens) from this address: wait ${FAILURE_PERIOD_S} seconds`,
			),
		},
	});
}

/**
 * The answers this isolate has seen accepted, by order, event and body. Once accepted, an answer stays
 * accepted (the journal is append-only and a redrive never undoes an event), so the order's object
 * would only answer the same body again "duplicate": it is answered here without waking the object.
 * Bounded, oldest forgotten first.
 */
const accepted = new Set<string>();
const MAX_REMEMBERED = 10_000;
const acceptedKey = (ref: OrderRef, event: string, details: object) =>
	`${workflowIdOf(ref)} ${event} ${JSON.stringify(details)}`;

function remember(key: string): void {
	accepted.add(key);
	if (accepted.size > MAX_REMEMBERED) accepted.delete(accepted.values().next().value as string);
}

/** The warehouse's callbacks: a signed token for one order and event, instead of an API key. */
export const pickCallback = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

for (const event of [PICK_EVENT, CANNOT_PICK_EVENT] as const)
	pickCallback.openapi(routeOf(event), async (c) => {
		const address = clientAddress(c.req.raw);
		refuseIfLocked(address);
		const { orderId } = c.req.valid("param");
		const { tenant } = c.req.valid("query");
		const { token, ...details } = c.req.valid("json");
		// The settings the order's object runs with: after a deploy, both sides read the same.
		const workflowId = workflowIdOf({ tenant: tenant ?? DEFAULT_TENANT, orderId });
		const secrets = await callbackSecrets(orderConfig(platform.config(c.env, workflowId)).callbackSecrets);
		const check = await verifyCallbackToken(secrets, token, { orderId, event });
		if (!check.ok && check.reason !== "wrong_order") {
			await countFailure(c.env, address);
			throw new ApiError(
				401,
				"invalid-callback-token",
				"The callback token is malformed or its signature is not valid.",
			);
		}
		// The signed claims say whose order it is; a tenant in the URL must agree with them.
		if (!check.ok || (tenant !== undefined && tenant !== check.claims.tenant)) {
			await countFailure(c.env, address);
			throw new ApiError(403, "token-not-for-this-order", "The callback token was issued for another order or event.");
		}
		const ref = { tenant: check.claims.tenant, orderId };
		const body = { orderId, event, outcome: "duplicate" } as const;
		const seen = acceptedKey(ref, event, details);
		if (accepted.has(seen)) return c.json(body, 200);
		const delivery = await orderStub(c.env, ref).answerFromWarehouse(event, details);
		if (delivery === "not_found") throw orderNotFound(orderId);
		if (delivery === "gone")
			throw new ApiError(
				410,
				"answer-not-wanted",
				`Order ${orderId} no longer waits for ${event}: its deadline passed, the warehouse's other answer came first, or it was cancelled or undone.`,
			);
		remember(seen);
		return delivery === "accepted" ? c.json({ ...body, outcome: delivery }, 202) : c.json(body, 200);
	});
