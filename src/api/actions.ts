import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { OperatorAction, RetryMode } from "../engine/events";
import type { Refusal } from "../engine/operator";
import { RetryPlans } from "../engine/plan";
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
import { ActionBody, IdempotencyHeader, RetryBody } from "./schemas";

const ActionQuery = TenantQuery.extend({
	dryRun: z
		.enum(["true", "false"])
		.optional()
		.describe("true: answer whether the action is allowed and which steps it would run, changing nothing"),
});

const ActionResponse = z
	.object({
		orderId: OrderId,
		action: OperatorAction,
		outcome: z.enum(["accepted", "repeated", "dry_run"]),
		/**
		 * For a retry: the failed steps and undos that get a fresh attempt budget, under the same idempotency
		 * keys. For a terminate: the steps that took effect and stay as they are, nothing undone.
		 */
		steps: z.array(z.string()),
		/** For a retry: which way it goes. */
		mode: RetryMode.optional(),
		/** For a retry's dry run: both ways it can go, each with every step it would run, undos included. */
		plans: RetryPlans.optional(),
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
	pause: {
		summary:
			"Pause an order: it calls no downstream until resumed (a call in flight finishes); its deadlines still count, and a cancel ends the pause",
		conflict: "The order has finished, or is already paused",
	},
	resume: {
		summary: "Resume a paused order: it goes on from where it stood",
		conflict: "The order is not paused",
	},
	terminate: {
		summary:
			"End an order settled outside the system: it ends terminated, nothing is undone or called again, and its dead letter is closed",
		conflict: "The order has already finished (and needs no attention)",
	},
} satisfies Record<OperatorAction, { summary: string; conflict: string }>;

/** Why an action was refused, in the order's words. */
export const REFUSALS = {
	past_point_of_no_return: () => "the warehouse's pick was accepted: the order is past the point of no return",
	already_cancelled: () => "the order is already cancelled",
	already_finished: (status: string) => `the order is already ${status}`,
	compensating: () => "the order is already being compensated",
	no_attention_needed: (status: string) => `the order is ${status} and does not need attention`,
	already_undone: () => "what was done is already (being) undone: the order can only be undone the rest of the way",
	cancel_requested: () => "the order's cancel was accepted: it can only be undone",
	already_paused: () => "the order is already paused",
	not_paused: () => "the order is not paused",
} satisfies Record<Refusal, (status: string) => string>;

function actionRoute(action: OperatorAction) {
	return createRoute({
		method: "post",
		path: `/{orderId}/${action}`,
		operationId: `${action}Order`,
		summary: describe[action].summary,
		security: bearer,
		middleware: [action === "cancel" ? requireApiKey : requireOperatorKey, requireJson] as const,
		request: {
			params: OrderParams,
			query: ActionQuery,
			headers: IdempotencyHeader,
			body: jsonRequest(action === "retry" ? RetryBody : ActionBody),
		},
		responses: {
			202: json(ActionResponse, "Accepted; the order acts on it in the background"),
			200: json(ActionResponse, "A dry run, or a repeat of an accepted request with the same Idempotency-Key"),
			...bodied,
			...keyed,
			403: problem(
				action === "cancel" ? "Never: clients and operators may cancel" : "A client key: this needs an operator key",
			),
			404: problem("No such order"),
			409: problem(
				action === "retry"
					? `${describe[action].conflict}; or, going forward, something was already undone or a cancel accepted`
					: describe[action].conflict,
			),
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
		const body = c.req.valid("json");
		const mode = action === "retry" ? RetryBody.parse(body).mode : undefined;
		const query = c.req.valid("query");
		const dryRun = query.dryRun === "true";
		const caller = c.get("caller");
		const request = {
			actor: actorOf(caller),
			reason: body.reason,
			requestKey: c.req.valid("header")["idempotency-key"] ?? null,
		};
		const ref = orderRefOf(caller, orderId, query.tenant);
		const { result, status } = await orderStub(c.env, ref).act(action, request, dryRun, caller.role, mode);
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
		const answer = { orderId, action, outcome, steps: result.steps, mode, plans: result.plans, status };
		return outcome === "accepted" ? c.json(answer, 202) : c.json(answer, 200);
	});
}

/** What a person can do to one order (see OperatorAction), each landing in its history as an audit entry. */
export const actions = app;
