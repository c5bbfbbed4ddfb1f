import { describe, expect, it } from "vitest";
import { shareBreakers } from "../breakers";
import { act, api, newOrderId, OPERATOR_KEY, orderBody, placeFailedRefund, placeOrder, settle } from "../helpers";
import { readEvents } from "../server-events";

/** An operator's free text and key name: neither may reach a client of any tenant. */
const NOTE = "Stripe incident INC-4711, call Bob on +44 20 7946 0000";
const OPERATOR_NAME = "alice";

const pause = (name: string, reason: string) =>
	api(`/downstreams/${name}/pause`, { method: "POST", key: OPERATOR_KEY, body: { reason } });
const resume = (name: string) =>
	api(`/downstreams/${name}/resume`, { method: "POST", key: OPERATOR_KEY, body: { reason: "back" } });

/** Everything a client key reads of an order: status, history, and the event stream's history. */
async function clientText(orderId: string, entries: number): Promise<string> {
	const stream = await readEvents(await api(`/orders/${orderId}/events`), (events) => events.length >= entries);
	return [
		await (await api(`/orders/${orderId}`)).text(),
		await (await api(`/orders/${orderId}/history`)).text(),
		JSON.stringify(stream),
	].join("\n");
}

describe("an operator's notes and name stay on the operator's side", () => {
	it("a paused downstream: clients read a neutral sentence, operators the note and who wrote it", async () => {
		const prefix = newOrderId("private-pause");
		shareBreakers(prefix);
		expect((await pause("payments", NOTE)).status).toBe(202);
		const orderId = `${prefix}-0`;
		try {
			expect((await placeOrder(orderBody(orderId))).status).toBe(202);
			await settle(orderId, (s) => s.steps.some((step) => step.status === "held"));
			const history = (await (await api(`/orders/${orderId}/history`)).json()) as { events: { type: string }[] };
			const held = history.events.find((e) => e.type === "step_held");
			expect(held).toMatchObject({ downstream: "payments", reason: "payments is temporarily unavailable" });
			const seen = await clientText(orderId, history.events.length);
			expect(seen).not.toContain("INC-4711");
			expect(seen).not.toContain(OPERATOR_NAME);

			const operatorHistory = await (await api(`/orders/${orderId}/history`, { key: OPERATOR_KEY })).text();
			expect(operatorHistory).toContain(NOTE);
			expect(operatorHistory).toContain(`operator:${OPERATOR_NAME}`);
		} finally {
			expect((await resume("payments")).status).toBe(202);
		}
		expect((await settle(orderId)).status).toBe("waiting");
	});

	it("an operator's action on an order: clients read that an operator acted, not who or why", async () => {
		const orderId = await placeFailedRefund("private-resolve");
		expect((await act(orderId, "resolve", { reason: `refunded by hand, ${NOTE}` })).status).toBe(202);
		await settle(orderId);
		const history = (await (await api(`/orders/${orderId}/history`)).json()) as { events: { type: string }[] };
		expect(history.events.find((e) => e.type === "operator_action")).toMatchObject({
			action: "resolve",
			actor: "operator",
			reason: "an operator resolved the order",
		});
		const seen = await clientText(orderId, history.events.length);
		expect(seen).not.toContain("INC-4711");
		expect(seen).not.toContain(OPERATOR_NAME);
		// A client's own cancel is its own: it reads its own reason back.
		const cancelled = newOrderId("own-cancel");
		await placeOrder(orderBody(cancelled));
		await settle(cancelled);
		expect((await act(cancelled, "cancel", { key: "test-client-key-0001", reason: "changed my mind" })).status).toBe(
			202,
		);
		await settle(cancelled);
		const own = (await (await api(`/orders/${cancelled}/history`)).json()) as { events: { type: string }[] };
		expect(own.events.find((e) => e.type === "operator_action")).toMatchObject({ reason: "changed my mind" });
	});
});
