import { describe, expect, it } from "vitest";
import { ACME_KEY, api, confirmPick, getHistory, newOrderId, orderBody, placeUntilPick } from "../helpers";
import { readEvents } from "../server-events";

describe("GET /orders/{id}/events: the journal as server-sent events", () => {
	it("sends the history, then each entry as it is written, until the order ends", async () => {
		const orderId = newOrderId("stream");
		const token = await placeUntilPick(orderBody(orderId));
		const history = await getHistory(orderId);
		const response = await api(`/orders/${orderId}/events`);
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toBe("text/event-stream");

		const live = readEvents(response, (events) => events.some((e) => e.event === "workflow_finished"));
		// The pick comes after the stream is open: its entries arrive live.
		await scheduler.wait(50);
		expect((await confirmPick(orderId, token)).status).toBe(202);
		const events = await live;
		expect(events.slice(0, history.length).map((e) => e.id)).toEqual(history.map((e) => e.seq));
		expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
		for (const e of events) expect(e.data).toMatchObject({ seq: e.id, type: e.event, at: expect.stringMatching(/Z$/) });
		expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(["event_received", "workflow_finished"]));
	});

	it("resumes after Last-Event-ID, and answers another tenant's key as for an unknown order", async () => {
		const orderId = newOrderId("resume");
		await placeUntilPick(orderBody(orderId));
		const total = (await getHistory(orderId)).length;
		const resumed = await api(`/orders/${orderId}/events`, { headers: { "Last-Event-ID": "3" } });
		const events = await readEvents(resumed, (e) => e.length >= total - 3);
		expect(events.map((e) => e.id)).toEqual(Array.from({ length: total - 3 }, (_, i) => i + 4));

		expect((await api(`/orders/${orderId}/events`, { key: ACME_KEY })).status).toBe(404);
		expect((await api(`/orders/${orderId}/events`, { key: null })).status).toBe(401);
		expect((await api(`/orders/${newOrderId("none")}/events`)).status).toBe(404);
	});
});
