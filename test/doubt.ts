import { expect } from "vitest";
import { cannotTell, injectFault, newOrderId, orderBody, placeOrder, settle } from "./helpers";

/**
 * An order whose charge (or reservation) answered 502 on every attempt, with an effect (`error_after`)
 * or without (`error`), while its service could not tell either: it needs attention, that step in
 * doubt. Its service answers questions again from a redrive on. Returns its id.
 */
export async function placeInDoubt(
	label: string,
	fault: "error" | "error_after",
	step: "charge" | "reserve" = "charge",
): Promise<string> {
	const orderId = newOrderId(label);
	const service = step === "charge" ? "payments" : "inventory";
	await injectFault({ service, operation: step, orderId, fault, status: 502, times: 5 });
	// One question before each of four retries, three when the budget ran out.
	await cannotTell(orderId, service, 7);
	expect((await placeOrder(orderBody(orderId))).status).toBe(202);
	expect(await settle(orderId)).toMatchObject({ status: "needs_attention", failure: { code: "outcome_unknown" } });
	return orderId;
}
