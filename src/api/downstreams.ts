import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { isoTime } from "../engine/time";
import type { ActionAnswer, BreakerAction, DownstreamView } from "../ops/breaker-state";
import { BreakerState } from "../ops/breaker-state";
import { platform } from "../ops/platform";
import { DOWNSTREAMS } from "../order/services";
import { actorOf, requireOperatorKey } from "./auth";
import { requireJson } from "./body";
import type { AppEnv } from "./context";
import { ApiError, validationHook } from "./problem";
import { bearer, bodied, json, jsonRequest, keyed, problem } from "./route-kit";
import { ActionBody, IdempotencyHeader } from "./schemas";

const Downstream = z
	.object({
		name: z.string(),
		state: BreakerState,
		since: z.iso.datetime().describe("When it entered this state"),
		recentFailures: z.int().describe("Failed calls (retryable or unknown outcome) in the current window"),
		recentCalls: z
			.int()
			.describe("Calls reported in the current window, failed or not (isolates report successes in batches)"),
		heldOrders: z.int().describe("Orders waiting for this service to be released"),
		reason: z.string().nullable().describe("Why it is open or paused"),
	})
	.meta({ id: "Downstream" });
const DownstreamList = z.object({ downstreams: z.array(Downstream) }).meta({ id: "DownstreamList" });
const DownstreamAction = z
	.object({ outcome: z.enum(["accepted", "repeated"]), downstream: Downstream })
	.meta({ id: "DownstreamActionResponse" });
const NameParams = z.object({ name: z.string().max(100).describe("payments, inventory, shipping or email") });

/** The breaker object of a downstream, as the API addresses it (the workflow id "" names no order); 404 for an unknown one. */
export function breaker(env: Env, name: string) {
	if (!(DOWNSTREAMS as readonly string[]).includes(name))
		throw new ApiError(404, "downstream-not-found", `No downstream ${name}; known: ${DOWNSTREAMS.join(", ")}.`);
	const object = platform.breaker(name, "");
	return { object, stub: env.BREAKERS.get(env.BREAKERS.idFromName(object)) };
}

const shown = (view: DownstreamView) => ({ ...view, since: isoTime(view.since) });

const responses = { ...keyed, 403: problem("A client key: this needs an operator key") };

const describe = {
	pause: {
		summary: "Pause calls to a downstream: new calls are held, calls in flight finish",
		conflict: "Already paused",
	},
	resume: { summary: "Resume a paused downstream: held orders are released in waves", conflict: "Not paused" },
} satisfies Record<BreakerAction, { summary: string; conflict: string }>;

const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
	createRoute({
		method: "get",
		path: "/downstreams",
		operationId: "listDownstreams",
		summary: "Every downstream service's breaker: closed, open, half-open or paused, and the orders it holds",
		security: bearer,
		middleware: [requireOperatorKey] as const,
		responses: { 200: json(DownstreamList, "One entry per downstream"), ...responses },
	}),
	async (c) => {
		const views = await Promise.all(
			DOWNSTREAMS.map((name) => {
				const { object, stub } = breaker(c.env, name);
				return stub.describe(name, object);
			}),
		);
		return c.json({ downstreams: views.map(shown) }, 200);
	},
);

for (const action of ["pause", "resume"] as const) {
	app.openapi(
		createRoute({
			method: "post",
			path: `/downstreams/{name}/${action}`,
			operationId: `${action}Downstream`,
			summary: describe[action].summary,
			security: bearer,
			middleware: [requireOperatorKey, requireJson] as const,
			request: { params: NameParams, headers: IdempotencyHeader, body: jsonRequest(ActionBody) },
			responses: {
				202: json(DownstreamAction, "Done; held orders follow in the background"),
				200: json(DownstreamAction, "A repeat of an accepted request with the same Idempotency-Key"),
				...bodied,
				...responses,
				404: problem("No such downstream"),
				409: problem(describe[action].conflict),
				422: problem("The Idempotency-Key was already used for another action on this downstream"),
			},
		}),
		async (c) => {
			const { name } = c.req.valid("param");
			const { object, stub } = breaker(c.env, name);
			const request = {
				actor: actorOf(c.get("caller")),
				reason: c.req.valid("json").reason,
				requestKey: c.req.valid("header")["idempotency-key"] ?? null,
			};
			const answer: ActionAnswer = await stub.act(name, object, action, request);
			if (answer.outcome === "conflict")
				throw new ApiError(
					409,
					"downstream-action-not-allowed",
					`Cannot ${action} ${name}: it is ${answer.view.state}.`,
				);
			if (answer.outcome === "key_reused")
				throw new ApiError(
					422,
					"idempotency-key-reused",
					`This Idempotency-Key was already used to ${answer.earlier} ${name}; use a new key for a new action.`,
				);
			const body = { outcome: answer.outcome, downstream: shown(answer.view) };
			return answer.outcome === "accepted" ? c.json(body, 202) : c.json(body, 200);
		},
	);
}

/** What operators do about an outage: see every breaker, pause a service, resume it. */
export const downstreams = app;
