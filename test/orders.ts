import type { Order } from "../src/order/order";

/** A valid order with two items; `overrides` replace whole fields. Plain data: workerd and Node tests share it. */
export function orderBody(orderId: string, overrides: Partial<Order> = {}): Order {
	return {
		orderId,
		customer: { id: "cus_1", email: "ada@example.com" },
		items: [
			{ sku: "BOOK-1", quantity: 2, unitPriceCents: 1500 },
			{ sku: "PEN-7", quantity: 1, unitPriceCents: 499 },
		],
		currency: "USD",
		paymentMethod: "pm_card_visa",
		shippingAddress: {
			name: "Ada Lovelace",
			line1: "12 St James's Square",
			city: "London",
			postalCode: "SW1Y 4JH",
			country: "GB",
		},
		...overrides,
	};
}

/** An order whose only item is out of stock: charged, then refused by inventory, then refunded. */
export const outOfStockOrder = (orderId: string) =>
	orderBody(orderId, { items: [{ sku: "OOS-LAMP", quantity: 1, unitPriceCents: 9999 }] });
