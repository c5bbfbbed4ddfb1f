import { callbackSecrets, verifyCallbackToken } from "../../src/order/callback-token";
import { Order } from "../../src/order/order";
import { PICK_EVENT } from "../shared/services";
import type { OrderOutcome, WorkflowsEnv } from "./order-workflow";

export { OrderWorkflow } from "./order-workflow";

const json = (body: unknown, status = 200) => Response.json(body, { status });

/**
 * The HTTP face of the Workflows baseline, shaped like the orchestrator's: place an order, read its
 * status, and the warehouse's signed pick callback, which becomes `instance.sendEvent`.
 */
export default {
	async fetch(request: Request, env: WorkflowsEnv): Promise<Response> {
		const { pathname } = new URL(request.url);
		const [, collection, orderId, events, event] = pathname.split("/").map(decodeURIComponent);
		if (collection !== "orders") return json({ code: "not_found" }, 404);
		if (request.method === "POST" && orderId === undefined) return place(request, env);
		if (request.method === "GET" && orderId && events === undefined) return status(env, orderId);
		if (request.method === "POST" && orderId && events === "events" && event === PICK_EVENT) {
			return pick(request, env, orderId);
		}
		return json({ code: "not_found" }, 404);
	},
} satisfies ExportedHandler<WorkflowsEnv>;

async function place(request: Request, env: WorkflowsEnv): Promise<Response> {
	const parsed = Order.safeParse(await request.json().catch(() => null));
	if (!parsed.success) return json({ code: "invalid_order" }, 400);
	const instance = await env.ORDER_WORKFLOW.create({ id: parsed.data.orderId, params: parsed.data });
	return json({ orderId: instance.id, status: "running" }, 202);
}

/** The orchestrator's status words, so one poller serves both: a finished instance's output says which end it met. */
async function status(env: WorkflowsEnv, orderId: string): Promise<Response> {
	const instance = await env.ORDER_WORKFLOW.get(orderId).catch(() => null);
	if (!instance) return json({ code: "order_not_found" }, 404);
	const { status, output, error } = await instance.status();
	if (status === "complete") return json({ orderId, status: (output as OrderOutcome).status, output });
	if (status === "errored" || status === "terminated") return json({ orderId, status: "needs_attention", error });
	return json({ orderId, status: status === "waiting" ? "waiting" : "running", workflowStatus: status });
}

async function pick(request: Request, env: WorkflowsEnv, orderId: string): Promise<Response> {
	const body = (await request.json().catch(() => null)) as { token?: unknown; pickedBy?: unknown } | null;
	if (typeof body?.token !== "string") return json({ code: "invalid_request" }, 400);
	const check = await verifyCallbackToken(await callbackSecrets([env.CALLBACK_SECRET]), body.token, {
		orderId,
		event: PICK_EVENT,
	});
	if (!check.ok) return json({ code: check.reason }, 401);
	const instance = await env.ORDER_WORKFLOW.get(orderId);
	await instance.sendEvent({ type: PICK_EVENT, payload: { pickedBy: body.pickedBy } });
	return json({ orderId, event: PICK_EVENT, outcome: "accepted" }, 202);
}
