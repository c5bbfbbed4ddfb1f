import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { OperatorAction } from "../engine/events";
import type { Refusal } from "../engine/operator";
import { OrderId } from "../order/order";
import { OrderStatus } from "../order/status";
import { actorOf, requireApiKey, requireOperatorKey } from "./auth";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
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

const ActionBody = z
	.object({ reason: z.string().min(1).max(500).regex(/\S/, "must not be blank").describe("Why, for the audit trail") })
	.strict()
	.meta({ id: "ActionRequest" });
const ActionQuery = TenantQuery.extend({
	dryRun: z
		.enum(["true", "false"])
		.optional()
		.describe("true: answer whether the action is allowed and which steps it would run, changing nothing"),
});
const ActionHeaders = z.object({
	"idempotency-key": z
		.string()
		.min(1)
		.max(200)
		.optional()
		.describe("The same key again for the same action returns 200 and does nothing; for another action, 422"),
});

const ActionResponse = z
	.object({
		orderId: OrderId,
		action: OperatorAction,
		outcome: z.enum(["accepted", "repeated", "dry_run"]),
		/** For a retry: the failed steps and undos that get a fresh attempt budget, under the same idempotency keys. */
		steps: z.array(z.string()),
		status: OrderStatus,
	})
	.meta({ id: "ActionResponse" });

const describe = {
	cancel: {
		summary: "Cancel an order before the point of no return: it is compensated and ends cancelled",
		conflict:
			"Past the point of no return (the warehouse's pick was accepted), already finished, or already being compensated",
	},
	retry: {
		summary: "Redrive an order that needs attention from where it stopped, with the same idempotency keys",
		conflict: "The order does not need attention",
	},
	resolve: {
		summary: "Close an order that needs attention as fixed by hand: it ends resolved",
		conflict: "The order does not need attention",
	},
} satisfies Record<OperatorAction, { summary: string; conflict: string }>;

/** Why an action was refused, in the order's words. */
export const REFUSALS = {
	past_point_of_no_return: () => "the warehouse's pick was accepted: the order is past the point of no return",
	already_cancelled: () => "the order is already cancelled",
	already_finished: (status: string) => `the order is already ${status}`,
	compensating: () => "the order is already being compensated",
	no_attention_needed: (status: string) => `the order is ${status} and does not need attention`,
} satisfies Record<Refusal, (status: string) => string>;

function actionRoute(action: OperatorAction) {
	return createRoute({
		method: "post",
		path: `/{orderId}/${action}`,
		operationId: `${action}Order`,
		summary: describe[action].summary,
		security: bearer,
		middleware: [action === "cancel" ? requireApiKey : requireOperatorKey, requireJson] as const,
		request: { params: OrderParams, query: ActionQuery, headers: ActionHeaders, body: jsonRequest(ActionBody) },
		responses: {
			202: json(ActionResponse, "Accepted; the order acts on it in the background"),
			200: json(ActionResponse, "A dry run, or a repeat of an accepted request with the same Idempotency-Key"),
			...bodied,
			...keyed,
			403: problem(
				action === "cancel" ? "Never: clients and operators may cancel" : "A client key: this needs an operator key",
			),
			404: problem("No such order"),
			409: problem(describe[action].conflict),
			422: problem("The Idempotency-Key was already used for another action on this order"),
		},
	});
}

const app = new OpenAPIHono<AppEnv>({
	defaultHook: validationHook,
});

for (const action of OperatorAction.options) {
	app.openapi(actionRoute(action), async (c) => {
		const { orderId } = c.req.valid("param");
		const { reason } = c.req.valid("json");
		const query = c.req.valid("query");
		const dryRun = query.dryRun === "true";
		const caller = c.get("caller");
		const request = { actor: actorOf(caller), reason, requestKey: c.req.valid("header")["idempotency-key"] ?? null };
		const ref = orderRefOf(caller, orderId, query.tenant);
		const { result, status } = await orderStub(c.env, ref).act(action, request, dryRun, caller.role);
		if (result.outcome === "not_found" || !status) throw orderNotFound(orderId);
		if (result.outcome === "conflict")
			throw new ApiError(409, "action-not-allowed", `Cannot ${action}: ${REFUSALS[result.refusal](result.status)}.`);
		if (result.outcome === "key_reused")
			throw new ApiError(
				422,
				"idempotency-key-reused",
				`This Idempotency-Key was already used to ${result.earlier} this order; use a new key for a new action.`,
			);
		const outcome: "accepted" | "repeated" | "dry_run" = dryRun ? "dry_run" : result.outcome;
		const body = { orderId, action, outcome, steps: result.steps, status };
		return outcome === "accepted" ? c.json(body, 202) : c.json(body, 200);
	});
}

/** Cancel, retry, resolve: what a person can do to one order, each landing in its history as an audit entry. */
export const actions = app;
