import { z } from "@hono/zod-openapi";
import { OrderId } from "../order/order";
import { DEFAULT_TENANT, type OrderRef, Tenant, workflowIdOf } from "../order/tenant";
import type { Caller } from "./context";
import { ApiError, Problem } from "./problem";

/** Building blocks shared by the route definitions, so every route documents itself the same way. */
export const OrderParams = z.object({ orderId: OrderId });

/** Which tenant's order an operator means; a client may leave it out (its key's tenant) or name its own. */
export const TenantQuery = z.object({
	tenant: Tenant.optional().describe(
		"The order's tenant. Clients: their key's (another tenant's order is 404). Operators: any; default `default`.",
	),
});

export const problem = (description: string) => ({
	description,
	content: { "application/problem+json": { schema: Problem } },
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});

export const jsonRequest = <T extends z.ZodType>(schema: T) => ({
	required: true,
	content: { "application/json": { schema } },
});

export const bearer = [{ bearer: [] }];

export const orderNotFound = (orderId: string) => new ApiError(404, "order-not-found", `No order ${orderId}.`);

/**
 * The order a request means: a client's own tenant's, an operator's named one. A client naming
 * another tenant gets the same 404 as for an order that does not exist, which confirms nothing.
 */
export function orderRefOf(caller: Caller, orderId: string, tenant: string | undefined): OrderRef {
	if (caller.tenant === null) return { tenant: tenant ?? DEFAULT_TENANT, orderId };
	if (tenant !== undefined && tenant !== caller.tenant) throw orderNotFound(orderId);
	return { tenant: caller.tenant, orderId };
}

/** The Durable Object of one order; every (tenant, order id) has exactly one. */
export function orderStub(env: Env, ref: OrderRef) {
	return env.ORDERS.get(env.ORDERS.idFromName(workflowIdOf(ref)));
}
