import { describe, expect, it } from "vitest";
import { advanceClockTo } from "../clock";
import { confirmPick, injectFault, newOrderId, orderBody, pickToken, placeOrder, settle } from "../helpers";

const HOUR = 3_600_000;

/** The claims of a callback token, as the warehouse holds them. */
function claimsOf(token: string): Record<string, unknown> {
	const part = token.split(".")[2] ?? "";
	return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
}

describe("shipping takes hours to book the shipment", () => {
	it("the warehouse's genuine pick is accepted until the order's own deadline", async () => {
		const orderId = newOrderId("slow-shipping");
		// Rate limited for two hours (Retry-After: one hour, twice) before the booking goes through.
		await injectFault({
			service: "shipping",
			operation: "ship",
			orderId,
			fault: "error",
			status: 429,
			retryAfterSeconds: 3600,
			times: 2,
		});
		await placeOrder(orderBody(orderId));
		const waiting = await settle(orderId);
		expect(waiting.status).toBe("waiting");
		const shipping = waiting.steps.find((s) => s.name === "schedule-shipping");
		const deadline = Date.parse(waiting.waitingFor?.deadline ?? "");
		// The wait, and so its deadline, started two hours after the first booking attempt.
		expect(deadline - Date.parse(shipping?.startedAt ?? "")).toBeGreaterThanOrEqual(48 * HOUR + 2 * HOUR);

		const token = await pickToken(orderId);
		// One anchor: the token has no expiry of its own to run out before the order's deadline.
		expect(claimsOf(token).expiresAt ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(deadline);

		advanceClockTo(orderId, deadline - 60_000);
		expect((await confirmPick(orderId, token)).status).toBe(202);
		expect((await settle(orderId)).status).toBe("completed");
	});
});
