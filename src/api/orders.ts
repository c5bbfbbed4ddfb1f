import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FinalStatus } from "../engine/events";
import { Order } from "../order/order";
import { OrderHistory, OrderStatus } from "../order/status";
import { requireApiKey } from "./auth";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
import { openEventStream } from "./event-streams";
import { PreferHeaders, preferenceApplied, preferredWait, waitApplied } from "./prefer";
import { ApiError, validationHook } from "./problem";
import {
	bearer,
	bodied,
	json,
	jsonRequest,
	keyed,
	OrderParams,
	orderNotFound,
	orderRefOf,
	orderStub,
	problem,
	TenantQuery,
} from "./route-kit";

const EventsHeaders = z.object({
	"last-event-id": z.coerce
		.number()
		.int()
		.nonnegative()
		.optional()
		.describe("The id of the last event received: the stream resumes after it"),
});

/** Whether a status is the order's end: what a `Prefer: wait` waits for. */
const ended = (status: OrderStatus) => FinalStatus.safeParse(status.status).success;

const Location = z.string().describe("The order's status: /orders/{orderId}?tenant={tenant}");

const routes = {
	place: createRoute({
		method: "post",
		path: "/",
		operationId: "placeOrder",
		summary: "Place an order",
		description:
			"The order belongs to the tenant of the key that places it: another tenant may use the same orderId and never meets it.",
		security: bearer,
		middleware: [requireApiKey, requireJson] as const,
		request: { query: TenantQuery, headers: PreferHeaders, body: jsonRequest(Order) },
		responses: {
			202: {
				...json(OrderStatus, "A new order; it runs in the background. Location names its status."),
				headers: z.object({ Location, ...preferenceApplied }),
			},
			201: {
				...json(OrderStatus, "With Prefer: wait, a new order that ended within the wait: its final status"),
				headers: z.object({ Location, ...preferenceApplied }),
			},
			200: {
				...json(OrderStatus, "This order was already placed with this very body: its current status"),
				headers: z.object(preferenceApplied),
			},
			...bodied,
			...keyed,
			404: problem("A client key named another tenant in ?tenant="),
			422: problem("This order id was already placed with a different body"),
		},
	}),
	status: createRoute({
		method: "get",
		path: "/{orderId}",
		operationId: "getOrder",
		summary: "An order's status",
		description: "Another tenant's order answers 404, as an order that does not exist does.",
		security: bearer,
		middleware: [requireApiKey] as const,
		request: { params: OrderParams, query: TenantQuery, headers: PreferHeaders },
		responses: {
			200: { ...json(OrderStatus, "The order's status"), headers: z.object(preferenceApplied) },
			400: problem("Invalid order id or tenant"),
			...keyed,
			404: problem("No such order in this tenant"),
		},
	}),
	history: createRoute({
		method: "get",
		path: "/{orderId}/history",
		operationId: "getOrderHistory",
		summary: "An order's append-only event log",
		security: bearer,
		middleware: [requireApiKey] as const,
		request: { params: OrderParams, query: TenantQuery },
		responses: {
			200: json(OrderHistory, "Every event, oldest first"),
			400: problem("Invalid order id or tenant"),
			...keyed,
			404: problem("No such order in this tenant"),
		},
	}),
	events: createRoute({
		method: "get",
		path: "/{orderId}/events",
		operationId: "streamOrderEvents",
		summary: "An order's journal as server-sent events, live",
		description:
			"One event per journal entry (id: its sequence number, event: its type, data: the entry as the history shows it): the history first, or what follows Last-Event-ID, then each new entry as it is written. Heartbeat comments keep it open; it ends after five minutes and the client reconnects with Last-Event-ID. Streams are capped: four client streams per order (operators have four of their own), and per key and per tenant across orders (STREAMS_PER_KEY, 10; STREAMS_PER_TENANT, 50). Past a cap the answer is 429 with Retry-After; no open stream is closed for it.",
		security: bearer,
		middleware: [requireApiKey] as const,
		request: { params: OrderParams, query: TenantQuery, headers: EventsHeaders },
		responses: {
			200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
			400: problem("Invalid order id, tenant or Last-Event-ID"),
			...keyed,
			404: problem("No such order in this tenant"),
		},
	}),
};

/** The orders resource. Every input is validated here, so nothing invalid reaches an order's object. */
export const orders = new OpenAPIHono<AppEnv>({
	defaultHook: validationHook,
})
	.openapi(routes.place, async (c) => {
		const order = c.req.valid("json");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, order.orderId, c.req.valid("query").tenant);
		const wait = preferredWait(c.req.valid("header").prefer);
		const { outcome, status } = await orderStub(c.env, ref).place(order, ref.tenant, caller.role, 1000 * (wait ?? 0));
		if (outcome === "conflict") {
			throw new ApiError(422, "order-conflict", `Order ${order.orderId} was already placed with a different body.`);
		}
		if (outcome === "exists") return c.json(status, 200, waitApplied(wait));
		const headers = {
			Location: `/orders/${encodeURIComponent(order.orderId)}?tenant=${ref.tenant}`,
			...waitApplied(wait),
		};
		return ended(status) ? c.json(status, 201, headers) : c.json(status, 202, headers);
	})
	.openapi(routes.status, async (c) => {
		const { orderId } = c.req.valid("param");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, orderId, c.req.valid("query").tenant);
		const wait = preferredWait(c.req.valid("header").prefer);
		const status = await orderStub(c.env, ref).status(caller.role, 1000 * (wait ?? 0));
		if (!status) throw orderNotFound(orderId);
		return c.json(status, 200, waitApplied(wait));
	})
	.openapi(routes.history, async (c) => {
		const { orderId } = c.req.valid("param");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, orderId, c.req.valid("query").tenant);
		const history = await orderStub(c.env, ref).history(caller.role);
		if (!history) throw orderNotFound(orderId);
		return c.json(history, 200);
	})
	.openapi(routes.events, async (c) => {
		const { orderId } = c.req.valid("param");
		const caller = c.get("caller");
		const ref = orderRefOf(caller, orderId, c.req.valid("query").tenant);
		const after = c.req.valid("header")["last-event-id"] ?? 0;
		const stream = await openEventStream(c.env, (work) => c.executionCtx.waitUntil(work), caller, ref, after);
		return c.body(stream, 200, {
			"Content-Type": "text/event-stream",
			"Cache-Control": "no-store",
			"X-Accel-Buffering": "no",
		});
	});
