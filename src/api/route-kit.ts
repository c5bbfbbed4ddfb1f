import { z } from "@hono/zod-openapi";
import { OrderId } from "../order/order";
import { Problem } from "./problem";

/** Building blocks shared by the route definitions, so every route documents itself the same way. */
export const OrderParams = z.object({ orderId: OrderId });

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

/** The Durable Object of one order; every order id has exactly one. */
export function orderStub(env: Env, orderId: string) {
	return env.ORDERS.get(env.ORDERS.idFromName(orderId));
}
