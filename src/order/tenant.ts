import { z } from "zod";
import { OrderId } from "./order";

/** The tenant of keys and orders configured without one. */
export const DEFAULT_TENANT = "default";

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const Tenant = z
	.string()
	.regex(TENANT_PATTERN, "1–32 lowercase letters, digits or -, starting with a letter or digit");

/** An order's identity: the same order id in two tenants is two orders that never meet. */
export interface OrderRef {
	tenant: string;
	orderId: string;
}
export const OrderRef = z.object({ tenant: Tenant, orderId: OrderId });

/**
 * The order's workflow id: the name of its object, the root of its idempotency keys and of its
 * notification ids. The default tenant's is the order id itself, so its keys read as before.
 */
export const workflowIdOf = ({ tenant, orderId }: OrderRef) =>
	tenant === DEFAULT_TENANT ? orderId : `${tenant}/${orderId}`;

/** The order behind a workflow id. */
export function orderRefOf(workflowId: string): OrderRef {
	const slash = workflowId.indexOf("/");
	return slash < 0
		? { tenant: DEFAULT_TENANT, orderId: workflowId }
		: { tenant: workflowId.slice(0, slash), orderId: workflowId.slice(slash + 1) };
}
