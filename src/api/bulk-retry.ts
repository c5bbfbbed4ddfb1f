import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type RetryMode, WorkflowStatus } from "../engine/events";
import type { ActionRequest, ActionResult } from "../engine/operator";
import { PlannedStep } from "../engine/plan";
import { listOrders, type OrderFilter } from "../ops/order-index";
import { OrderId } from "../order/order";
import { Tenant } from "../order/tenant";
import { REFUSALS } from "./actions";
import { actorOf, requireOperatorKey } from "./auth";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
import { OrderIdFilters, Page, position } from "./operator";
import { validationHook } from "./problem";
import { bearer, bodied, json, jsonRequest, keyed, orderStub, problem } from "./route-kit";
import { IdempotencyHeader, RetryBody } from "./schemas";

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
				/** With dryRun: every step the retry would run for this order in the chosen mode, undos included. */
				plan: z.array(PlannedStep).nullable(),
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
	request: { query: BulkQuery, headers: IdempotencyHeader, body: jsonRequest(RetryBody) },
	responses: {
		200: json(BulkRetryResponse, "One batch: what was (or, with dryRun, would be) done to each order"),
		...bodied,
		...keyed,
		403: problem("A client key: this needs an operator key"),
	},
});

/** A dry run answers both ways: going forward, one may be closed that a retry would be refused. */
const planRefusal = (result: ActionResult, mode: RetryMode) =>
	result.outcome === "accepted" ? (result.plans?.[mode].refusal ?? null) : null;

/** What one order of a batch got: accepted, repeated, a dry run's plan, or refused and why. */
export type BulkOrderResult = z.infer<typeof BulkRetryResponse>["orders"][number];

/**
 * One batch of a bulk action from the index, as `POST /orders/retry` does it (and the console, for a
 * retry or a resolve): each matching order asked in turn, a few at a time, each journaled as one
 * operator action; with `dry`, what would be done, changing nothing.
 */
export async function actOnBatch(
	env: Env,
	action: "retry" | "resolve",
	filter: OrderFilter,
	request: ActionRequest,
	dry: boolean,
	mode: RetryMode,
): Promise<{ orders: BulkOrderResult[]; nextCursor: string | null }> {
	const { orders, nextCursor } = await listOrders(env.DB, filter);
	const results: BulkOrderResult[] = [];
	for (let i = 0; i < orders.length; i += IN_PARALLEL) {
		const batch = orders.slice(i, i + IN_PARALLEL).map(async ({ tenant, orderId }): Promise<BulkOrderResult> => {
			const stub = orderStub(env, { tenant, orderId });
			const { result, status } = await stub.act(action, request, dry, "operator", mode);
			const base = { tenant, orderId, status: status?.status ?? null, steps: [] as string[], plan: null, detail: null };
			const refusal = dry ? planRefusal(result, mode) : null;
			if (refusal) return { ...base, outcome: "refused", detail: REFUSALS[refusal]() };
			switch (result.outcome) {
				case "accepted":
				case "repeated": {
					const plan = result.outcome === "accepted" ? (result.plans?.[mode].steps ?? null) : null;
					return { ...base, outcome: dry ? "dry_run" : result.outcome, steps: result.steps, plan };
				}
				case "not_found":
					return { ...base, outcome: "not_found" };
				case "conflict":
					return { ...base, outcome: "refused", detail: REFUSALS[result.refusal](result.status) };
				case "key_reused":
					return {
						...base,
						outcome: "refused",
						detail: `this Idempotency-Key was already used to ${result.earlier} this order`,
					};
			}
		});
		results.push(...(await Promise.all(batch)));
	}
	return { orders: results, nextCursor };
}

/** Bulk redrive: after an outage, every order it stopped goes again, from the index, a batch at a time. */
export const bulkRetry = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(route, async (c) => {
	const { dryRun, cursor, ...filter } = c.req.valid("query");
	const dry = dryRun === "true";
	const { reason, mode } = c.req.valid("json");
	const request = {
		actor: actorOf(c.get("caller")),
		reason,
		requestKey: c.req.valid("header")["idempotency-key"] ?? null,
	};
	const { orders, nextCursor } = await actOnBatch(
		c.env,
		"retry",
		{ ...filter, after: position(cursor) },
		request,
		dry,
		mode,
	);
	return c.json({ dryRun: dry, orders, nextCursor }, 200);
});
