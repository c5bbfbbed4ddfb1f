/**
 * The order every system is given: one book, paid by a card that works. `sku` and `paymentMethod`
 * select the sandbox's failure paths (`OOS-…` is out of stock, `pm_card_declined` is declined).
 */
export function makeOrder(orderId, { sku = "BOOK-1", paymentMethod = "pm_card_visa" } = {}) {
	return {
		orderId,
		customer: { id: `cus_${orderId}`, email: "ada@example.com" },
		items: [{ sku, quantity: 2, unitPriceCents: 1500 }],
		currency: "USD",
		paymentMethod,
		shippingAddress: {
			name: "Ada Lovelace",
			line1: "12 St James Square",
			city: "London",
			postalCode: "SW1Y 4JH",
			country: "GB",
		},
	};
}

/** Unique across runs and points, within the orchestrator's order id pattern (64 characters). */
export const orderIds = (system, point) => {
	const run = Date.now().toString(36);
	return (i) => `${system}-${run}-${point}-${i}`;
};
