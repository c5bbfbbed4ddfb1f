import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { WorkflowStatus } from "../engine/events";
import { listOrders } from "../ops/order-index";
import { OrderId } from "../order/order";
import { Tenant } from "../order/tenant";
import { REFUSALS } from "./actions";
import { actorOf, requireOperatorKey } from "./auth";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
import { OrderIdFilters, Page, position } from "./operator";
import { validationHook } from "./problem";
import { bearer, bodied, json, jsonRequest, keyed, orderStub, problem } from "./route-kit";
import { ActionBody, IdempotencyHeader } from "./schemas";

/** Orders asked at once: enough to drain a backlog quickly, few enough not to flood the objects. */
const IN_PARALLEL = 10;

// Strict, as the lists are: an unknown filter must never widen a redrive to every order.
const BulkQuery = z.strictObject({
	status: WorkflowStatus.default("needs_attention").describe("Default needs_attention"),
	tenant: Tenant.optional(),
	...OrderIdFilters,
	workflowVersion: z.coerce.number().int().positive().optional(),
	failureStep: z.string().max(100).optional().describe("The step the orders failed at, e.g. reserve-inventory"),
	failure: z.string().max(100).optional().describe("Failure code, e.g. downstream_unavailable"),
	dryRun: z.enum(["true", "false"]).optional().describe("true: list what would run for each order, changing nothing"),
	...Page,
	limit: z.coerce.number().int().min(1).max(100).default(50).describe("Orders per batch; default 50"),
});

const BulkOutcome = z.enum(["accepted", "repeated", "dry_run", "refused", "not_found"]);
const BulkRetryResponse = z
	.object({
		dryRun: z.boolean(),
		orders: z.array(
			z.object({
				tenant: Tenant,
				orderId: OrderId,
				outcome: BulkOutcome,
				/** The failed steps and undos that get a fresh attempt budget. */
				steps: z.array(z.string()),
				status: WorkflowStatus.nullable(),
				detail: z.string().nullable().describe("Why an order was refused"),
			}),
		),
		nextCursor: z.string().nullable().describe("Send again with this cursor for the next batch"),
	})
	.meta({ id: "BulkRetryResponse" });

const route = createRoute({
	method: "post",
	path: "/orders/retry",
	operationId: "retryOrders",
	summary: "Redrive every order matching the filter, one batch per request, each journaled as one operator action",
	security: bearer,
	middleware: [requireOperatorKey, requireJson] as const,
	request: { query: BulkQuery, headers: IdempotencyHeader, body: jsonRequest(ActionBody) },
	responses: {
		200: json(BulkRetryResponse, "One batch: what was (or, with dryRun, would be) done to each order"),
		...bodied,
		...keyed,
		403: problem("A client key: this needs an operator key"),
	},
});

/** Bulk redrive: after an outage, every order it stopped goes again, from the index, a batch at a time. */
export const bulkRetry = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(route, async (c) => {
	const { dryRun, cursor, ...filter } = c.req.valid("query");
	const dry = dryRun === "true";
	const request = {
		actor: actorOf(c.get("caller")),
		reason: c.req.valid("json").reason,
		requestKey: c.req.valid("header")["idempotency-key"] ?? null,
	};
	const { orders, nextCursor } = await listOrders(c.env.DB, { ...filter, after: position(cursor) });
	const results = [];
	for (let i = 0; i < orders.length; i += IN_PARALLEL) {
		const batch = orders.slice(i, i + IN_PARALLEL).map(async ({ tenant, orderId }) => {
			const { result, status } = await orderStub(c.env, { tenant, orderId }).act("retry", request, dry, "operator");
			const base = { tenant, orderId, status: status?.status ?? null, steps: [] as string[], detail: null };
			switch (result.outcome) {
				case "accepted":
				case "repeated":
					return { ...base, outcome: dry ? ("dry_run" as const) : result.outcome, steps: result.steps };
				case "not_found":
					return { ...base, outcome: "not_found" as const };
				case "conflict":
					return { ...base, outcome: "refused" as const, detail: REFUSALS[result.refusal](result.status) };
				case "key_reused":
					return {
						...base,
						outcome: "refused" as const,
						detail: `this Idempotency-Key was already used to ${result.earlier} this order`,
					};
			}
		});
		results.push(...(await Promise.all(batch)));
	}
	return c.json({ dryRun: dry, orders: results, nextCursor }, 200);
});
