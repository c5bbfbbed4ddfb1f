import { Hono } from "hono";
import { z } from "zod";
import type { SandboxEnv } from "./ledger";
import { CallbackNotAllowed, deliverPick } from "./pick";
import type { WarehouseAnswer } from "./schemas";

const ledger = (env: SandboxEnv) => env.LEDGER.get(env.LEDGER.idFromName("sandbox"));

/** Why a warehouse cannot pick a shipment: what the order's cannot-pick callback accepts. */
const CannotPick = z.object({ reason: z.enum(["out_of_stock", "damaged", "address_problem"]) });

/**
 * The warehouse's side of shipping: the shipments it was given, and its two answers about one, each
 * calling the order's callback for it as a warehouse app would: `pick` (the item is off the shelf)
 * and `cannot-pick` (with a reason). Each answer says which event it delivered.
 */
export const warehouse = new Hono<{ Bindings: SandboxEnv }>();

warehouse.get("/shipments", async (c) => c.json(await ledger(c.env).shipments(c.req.query("orderId"))));

async function answer(
	c: { env: SandboxEnv },
	shipmentId: string,
	kind: WarehouseAnswer,
	details?: Record<string, string>,
) {
	const target = await ledger(c.env).pickTarget(shipmentId, kind);
	if (!target) return Response.json({ code: "shipment_not_found" }, { status: 404 });
	if (target === "unwanted")
		return Response.json(
			{
				code: "answer_not_offered",
				message: `this shipment's order takes no ${kind} (it was booked without a callback for it)`,
			},
			{ status: 409 },
		);
	const sent = await deliverPick(target, c.env.ORCHESTRATOR_URL, details).catch((error: unknown) => {
		if (error instanceof CallbackNotAllowed) return error;
		throw error;
	});
	if (sent instanceof CallbackNotAllowed)
		return Response.json({ event: target.event, code: "callback_not_allowed", message: sent.message }, { status: 422 });
	return Response.json({
		event: target.event,
		callbackStatus: sent.status,
		callbackBody: await sent.json().catch(() => null),
	});
}

warehouse.post("/shipments/:id/pick", (c) => answer(c, c.req.param("id"), "pick"));

warehouse.post("/shipments/:id/cannot-pick", async (c) => {
	const body = CannotPick.safeParse(await c.req.json().catch(() => null));
	if (!body.success) return c.json({ code: "invalid_request", issues: z.treeifyError(body.error) }, 400);
	const reportedAt = new Date().toISOString();
	return answer(c, c.req.param("id"), "cannot-pick", { ...body.data, reportedBy: "sandbox-warehouse", reportedAt });
});
