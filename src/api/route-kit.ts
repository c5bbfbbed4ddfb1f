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

/** What any route may answer when something unforeseen fails; every operation is safe to send again. */
export const unexpected = {
	500: problem("An unexpected error, logged under the request id; safe to retry, every operation is idempotent"),
};

/** A 429's documentation: why, and the Retry-After every one carries. */
export const tooMany = (description: string) => ({
	description,
	headers: z.object({ "Retry-After": z.string().describe("Seconds to wait before trying again") }),
	content: { "application/problem+json": { schema: Problem } },
});

/** What every route with an API key may also answer: unknown key, the key's rate limit, the unforeseen. */
export const keyed = {
	...unexpected,
	401: problem("Missing or unknown key"),
	429: tooMany(
		"This key passed its rate limit (1,000 requests per 10 seconds by default; other keys are not slowed), or this address made too many failed attempts to authenticate (20 a minute)",
	),
};

/** What every route with a JSON body may also answer about the body itself. */
export const bodied = {
	400: problem("Malformed JSON, or field errors (every field checked, unknown ones refused)"),
	413: problem("Body over 64 KiB, declared or counted as it streams in"),
	415: problem("Body is not JSON"),
};

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
