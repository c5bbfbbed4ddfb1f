import { z } from "zod";

export const ORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const OrderId = z
	.string()
	.regex(ORDER_ID_PATTERN, "1–64 letters, digits, _ or -, starting with a letter or digit");

export const OrderItem = z
	.object({
		sku: z.string().min(1).max(64),
		quantity: z.int().min(1).max(1000),
		unitPriceCents: z.int().min(0).max(100_000_000),
	})
	.strict();

/**
 * The addresses accepted, written as a pattern so the OpenAPI document states the very rule the
 * server applies (a `format: email` would promise RFC 5322, which no two validators read alike):
 * a local part, then two or more dot-separated DNS labels, the last one letters.
 */
export const EMAIL_PATTERN =
	/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const ShippingAddress = z
	.object({
		name: z.string().min(1).max(200),
		line1: z.string().min(1).max(200),
		line2: z.string().max(200).optional(),
		city: z.string().min(1).max(100),
		postalCode: z.string().min(1).max(20),
		country: z
			.string()
			.regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code such as US")
			.describe("ISO 3166-1 alpha-2"),
	})
	.strict();

/** An order as placed by a client: the input of the order workflow. */
export const Order = z
	.object({
		orderId: OrderId,
		customer: z
			.object({
				id: z.string().min(1).max(128),
				email: z.string().max(254).regex(EMAIL_PATTERN, "an email address such as ada@example.com"),
			})
			.strict(),
		items: z.array(OrderItem).min(1).max(100),
		currency: z
			.string()
			.regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD")
			.describe("ISO 4217"),
		paymentMethod: z.string().min(1).max(128),
		shippingAddress: ShippingAddress,
	})
	.strict()
	.meta({ id: "Order" });
export type Order = z.infer<typeof Order>;

export function orderTotalCents(order: Pick<Order, "items">): number {
	return order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}
