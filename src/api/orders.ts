import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Delivery } from "../engine/host";
import { callbackSecrets, verifyCallbackToken } from "../order/callback-token";
import { orderConfig } from "../order/config";
import { Order, OrderId } from "../order/order";
import { PickConfirmation } from "../order/order-object";
import { PICK_EVENT } from "../order/services";
import { OrderHistory, OrderStatus } from "../order/status";
import { requireApiKey } from "./auth";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
import { ApiError, validationError } from "./problem";
import {
	bearer,
	json,
	jsonRequest,
	OrderParams,
	orderNotFound,
	orderRefOf,
	orderStub,
	problem,
	TenantQuery,
} from "./route-kit";

const PickAccepted = z.object({
	orderId: OrderId,
	event: z.literal(PICK_EVENT),
	outcome: Delivery.extract(["accepted", "duplicate"]),
});

const routes = {
	place: createRoute({
		method: "post",
		path: "/",
		summary: "Place an order",
		security: bearer,
		middleware: [requireApiKey, requireJson] as const,
		request: { query: TenantQuery, body: jsonRequest(Order) },
		responses: {
			202: json(OrderStatus, "A new order; it runs in the background. Location names its status."),
			200: json(OrderStatus, "This order was already placed with this very body: its current status"),
			400: problem("Malformed JSON or field errors"),
			401: problem("Missing or unknown API key"),
			413: problem("Body over 64 KiB"),
			415: problem("Body is not JSON"),
			422: problem("This order id was already placed with a different body"),
		},
	}),
	status: createRoute({
		method: "get",
		path: "/{orderId}",
		summary: "An order's status",
		security: bearer,
		middleware: [requireApiKey] as const,
		request: { params: OrderParams, query: TenantQuery },
		responses: {
			200: json(OrderStatus, "The order's status"),
			400: problem("Invalid order id"),
			401: problem("Missing or unknown API key"),
			404: problem("No such order"),
		},
	}),
	history: createRoute({
		method: "get",
		path: "/{orderId}/history",
		summary: "An order's append-only event log",
		security: bearer,
		middleware: [requireApiKey] as const,
		request: { params: OrderParams, query: TenantQuery },
		responses: {
			200: json(OrderHistory, "Every event, oldest first"),
			400: problem("Invalid order id"),
			401: problem("Missing or unknown API key"),
			404: problem("No such order"),
		},
	}),
	pick: createRoute({
		method: "post",
		path: `/{orderId}/events/${PICK_EVENT}`,
		summary: "The warehouse confirms the pick (authenticated by the callback token alone)",
		middleware: [requireJson] as const,
		request: { params: OrderParams, query: TenantQuery, body: jsonRequest(PickConfirmation) },
		responses: {
			202: json(PickAccepted, "Accepted: the order resumes"),
			200: json(PickAccepted, "Already accepted before; nothing happened twice"),
			400: problem("Malformed JSON or field errors"),
			401: problem("Malformed or forged token"),
			403: problem("The token belongs to another order, tenant or event"),
			404: problem("No such order"),
			410: problem("The order no longer waits for a pick: its deadline passed, or it was cancelled or undone"),
		},
	}),
};

/** The orders resource. Every input is validated here, so nothing invalid reaches an order's object. */
export const orders = new OpenAPIHono<AppEnv>({
	defaultHook: (result) => {
		if (!result.success) throw validationError(result.error, result.target === "param" ? "path" : "request body");
	},
})
	.openapi(routes.place, async (c) => {
		const order = c.req.valid("json");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, order.orderId, c.req.valid("query").tenant);
		const { outcome, status } = await orderStub(c.env, ref).place(order, ref.tenant, caller.role);
		if (outcome === "conflict") {
			throw new ApiError(422, "order-conflict", `Order ${order.orderId} was already placed with a different body.`);
		}
		if (outcome === "exists") return c.json(status, 200);
		return c.json(status, 202, { Location: `/orders/${encodeURIComponent(order.orderId)}?tenant=${ref.tenant}` });
	})
	.openapi(routes.status, async (c) => {
		const { orderId } = c.req.valid("param");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, orderId, c.req.valid("query").tenant);
		const status = await orderStub(c.env, ref).status(caller.role);
		if (!status) throw orderNotFound(orderId);
		return c.json(status, 200);
	})
	.openapi(routes.history, async (c) => {
		const { orderId } = c.req.valid("param");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, orderId, c.req.valid("query").tenant);
		const history = await orderStub(c.env, ref).history(caller.role);
		if (!history) throw orderNotFound(orderId);
		return c.json(history, 200);
	})
	.openapi(routes.pick, async (c) => {
		const { orderId } = c.req.valid("param");
		const { tenant } = c.req.valid("query");
		const { token, ...confirmation } = c.req.valid("json");
		const secrets = await callbackSecrets(orderConfig(c.env).callbackSecrets);
		const check = await verifyCallbackToken(secrets, token, { orderId, event: PICK_EVENT });
		if (!check.ok && check.reason !== "wrong_order")
			throw new ApiError(
				401,
				"invalid-callback-token",
				"The callback token is malformed or its signature is not valid.",
			);
		// The signed claims say whose order it is; a tenant in the URL must agree with them.
		if (!check.ok || (tenant !== undefined && tenant !== check.claims.tenant))
			throw new ApiError(403, "token-not-for-this-order", "The callback token was issued for another order or event.");
		const delivery = await orderStub(c.env, { tenant: check.claims.tenant, orderId }).confirmPick(confirmation);
		if (delivery === "not_found") throw orderNotFound(orderId);
		if (delivery === "gone")
			throw new ApiError(
				410,
				"pick-not-wanted",
				`Order ${orderId} no longer waits for a pick: its deadline passed, or it was cancelled or undone.`,
			);
		const body = { orderId, event: PICK_EVENT, outcome: delivery } as const;
		return delivery === "accepted" ? c.json(body, 202) : c.json(body, 200);
	});
