import { describe, expect, it } from "vitest";
import { traceIdOf } from "../../src/engine/trace";
import { startWith } from "../deploys";
import {
	confirmPick,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	placeUntilPick,
	settle,
} from "../helpers";
import { logged } from "../logs";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe("traces and logs follow an order", () => {
	it("sends one trace id for the whole order downstream, a span of its own for every attempt and question", async () => {
		const orderId = newOrderId("traced");
		// The reservation fails once (maybe after taking effect): inventory is asked about its key, then the
		// retry is a second attempt; each request has a span of its own.
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 503, times: 1 });
		await confirmPick(orderId, await placeUntilPick(orderBody(orderId)));
		await settle(orderId, (s) => s.status === "completed");

		const { requests } = await ledger(orderId);
		expect(requests.map((r) => r.operation)).toEqual(["charge", "reserve", "verify", "reserve", "ship", "send"]);
		const parsed = requests.map((r) => TRACEPARENT.exec(r.traceparent ?? ""));
		expect(parsed.every(Boolean)).toBe(true);
		expect(new Set(parsed.map((m) => m?.[1]))).toEqual(new Set([traceIdOf(orderId)]));
		expect(new Set(parsed.map((m) => m?.[2])).size).toBe(requests.length);
	});

	it("writes one log line per outcome, failure, retry, hold and operator action: one for a happy order", async () => {
		const orderId = newOrderId("logged");
		await injectFault({ service: "inventory", operation: "reserve", orderId, fault: "error", status: 503, times: 1 });
		await confirmPick(orderId, await placeUntilPick(orderBody(orderId)));
		await settle(orderId, (s) => s.status === "completed");
		const history = await getHistory(orderId);
		const lines = logged.filter((l) => l.orderId === orderId);
		const failed = history.find((e) => e.type === "step_failed");
		expect(lines).toEqual([
			{
				message: "journal",
				orderId,
				tenant: "default",
				seq: failed?.seq,
				type: "step_failed",
				step: "reserve-inventory",
				attempt: 1,
				code: "downstream_error",
				kind: "unknown_outcome",
				retryAt: expect.any(Number),
			},
			expect.objectContaining({ type: "workflow_finished", status: "completed", code: null }),
		]);
	});

	it("with LOG_LEVEL=debug, one line per journal entry, with order, tenant, sequence, type, step and attempt", async () => {
		const orderId = newOrderId("logged-debug");
		startWith(orderId, { config: { LOG_LEVEL: "debug" } });
		await placeUntilPick(orderBody(orderId));
		const history = await getHistory(orderId);
		const lines = logged.filter((l) => l.orderId === orderId);
		expect(lines.map((l) => l.seq)).toEqual(history.map((e) => e.seq));
		const charge = history.find((e) => e.type === "step_started" && e.step === "charge-payment");
		expect(lines.find((l) => l.seq === charge?.seq)).toEqual({
			message: "journal",
			orderId,
			tenant: "default",
			seq: charge?.seq,
			type: "step_started",
			step: "charge-payment",
			attempt: 1,
		});
	});
});
