import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { WorkflowStatus } from "../engine/events";
import { decodeCursor } from "../ops/cursor";
import { DeadLetter as DeadLetterRow, DeadLetterStatus, listDeadLetters } from "../ops/dead-letters";
import { countByWorkflowVersion, IndexedOrder as IndexedRow, listOrders } from "../ops/order-index";
import { OrderId } from "../order/order";
import { Tenant } from "../order/tenant";
import { CURRENT_WORKFLOW_VERSION } from "../order/versions";
import { requireOperatorKey } from "./auth";
import type { AppEnv } from "./context";
import { ApiError, validationHook } from "./problem";
import { bearer, json, keyed, problem } from "./route-kit";

export const Page = {
	limit: z.coerce.number().int().min(1).max(200).default(50).describe("Page size; default 50"),
	cursor: z.string().max(500).optional().describe("nextCursor of the previous page"),
};

/** The start of an order id: the characters an id may have (so the range of ids it starts is exact). */
export const OrderIdPrefix = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ or -");

/** Finding orders by their id: exactly, or by how it starts (a batch of test orders, a fleet). */
export const OrderIdFilters = {
	orderId: OrderId.optional().describe("Only the order with this id"),
	orderIdPrefix: OrderIdPrefix.optional().describe("Only orders whose id starts with this (case-sensitive)"),
};

/** When orders were placed: from (inclusive) and before (exclusive), ISO 8601. */
export const CreatedRange = {
	createdAfter: z.iso.datetime({ offset: true }).optional().describe("Only orders placed at or after this time"),
	createdBefore: z.iso.datetime({ offset: true }).optional().describe("Only orders placed before this time"),
};

/** An ISO time from a query, as the index stores it (ms since the epoch). */
export const epochOf = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

// Every list's query is strict: a filter this API does not know (a typo, a field of another version) is
// refused with 400, never ignored, since ignoring it answers with every order instead of the few asked for.
const OrdersQuery = z.strictObject({
	tenant: Tenant.optional().describe("Only this tenant's orders"),
	...OrderIdFilters,
	workflowVersion: z.coerce
		.number()
		.int()
		.positive()
		.optional()
		.describe("Only orders running on this workflow version"),
	status: WorkflowStatus.optional(),
	step: z.string().max(100).optional().describe("The step the order is on"),
	failureStep: z.string().max(100).optional().describe("The step the order failed at, e.g. reserve-inventory"),
	failure: z.string().max(100).optional().describe("Failure code, e.g. out_of_stock"),
	...CreatedRange,
	...Page,
});

const DeadLettersQuery = z.strictObject({
	status: DeadLetterStatus.default("open"),
	tenant: Tenant.optional().describe("Only this tenant's dead letters"),
	...OrderIdFilters,
	...Page,
});

const IndexedOrder = IndexedRow.extend({ orderId: OrderId }).meta({ id: "IndexedOrder" });
const DeadLetter = DeadLetterRow.extend({ orderId: OrderId }).meta({ id: "DeadLetter" });

const WorkflowVersionCounts = z
	.object({
		current: z.int().describe("The version new orders start on"),
		versions: z.array(
			z.object({
				workflowVersion: z.int(),
				statuses: z
					.record(z.string(), z.int())
					.describe("Orders by status; running, waiting, compensating and needs_attention are in flight"),
			}),
		),
	})
	.meta({ id: "WorkflowVersionCounts" });

const OrderList = z
	.object({ orders: z.array(IndexedOrder), nextCursor: z.string().nullable() })
	.meta({ id: "OrderList" });
const DeadLetterList = z
	.object({ deadLetters: z.array(DeadLetter), nextCursor: z.string().nullable() })
	.meta({ id: "DeadLetterList" });

const responses = {
	400: problem("Invalid filter or cursor"),
	...keyed,
	403: problem("A client key: this needs an operator key"),
};

/** The index position a cursor names; 400 for one this API did not issue. */
export function position(cursor: string | undefined) {
	if (cursor === undefined) return undefined;
	const decoded = decodeCursor(cursor);
	if (!decoded) throw new ApiError(400, "invalid-cursor", "The cursor is not one this API issued.");
	return decoded;
}

/** What operators read: the order index and the dead letters, both in D1, newest first. */
export const operator = new OpenAPIHono<AppEnv>({
	defaultHook: validationHook,
})
	.openapi(
		createRoute({
			method: "get",
			path: "/orders",
			operationId: "listOrders",
			summary: "List orders from the index (eventually consistent; each order's own status is the truth)",
			security: bearer,
			middleware: [requireOperatorKey] as const,
			request: { query: OrdersQuery },
			responses: { 200: json(OrderList, "One page of orders"), ...responses },
		}),
		async (c) => {
			const { createdAfter, createdBefore, cursor, ...rest } = c.req.valid("query");
			const filter = {
				...rest,
				createdAfter: epochOf(createdAfter),
				createdBefore: epochOf(createdBefore),
				after: position(cursor),
			};
			return c.json(await listOrders(c.env.DB, filter), 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/dead-letters",
			operationId: "listDeadLetters",
			summary: "List dead letters: orders whose automation gave up, open until retried or resolved",
			security: bearer,
			middleware: [requireOperatorKey] as const,
			request: { query: DeadLettersQuery },
			responses: { 200: json(DeadLetterList, "One page of dead letters"), ...responses },
		}),
		async (c) => {
			const { cursor, ...filter } = c.req.valid("query");
			return c.json(await listDeadLetters(c.env.DB, { ...filter, after: position(cursor) }), 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/workflow-versions",
			operationId: "countWorkflowVersions",
			summary:
				"Orders per workflow version and status, from the index: an old version may go once nothing is in flight on it",
			security: bearer,
			middleware: [requireOperatorKey] as const,
			responses: { 200: json(WorkflowVersionCounts, "Every version the index has seen, oldest first"), ...responses },
		}),
		async (c) => c.json({ current: CURRENT_WORKFLOW_VERSION, versions: await countByWorkflowVersion(c.env.DB) }, 200),
	);
