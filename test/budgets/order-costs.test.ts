import { describe, expect, it } from "vitest";
import type { Order } from "../../src/order/order";
import type { OrderStatus } from "../../src/order/status";
import { shareBreakers } from "../breakers";
import { countOf, countsLike } from "../counts";
import {
	api,
	confirmPick,
	dueAlarm,
	getStatus,
	journalRowsOf,
	ledger,
	orderBody,
	outOfStockOrder,
	pickToken,
	placeOrder,
	placeUntilPick,
	settle,
} from "../helpers";
import { logged } from "../logs";

/**
 * What one order costs beside its own business, counted, not timed: a change that adds work to every
 * order fails here, and one that needs more changes these budgets in the same commit, saying why.
 * Billing units from the engine's own usage (rows written and read, alarms set, requests served),
 * journal rows, log lines, and what the order sends out: downstream calls, queue hand-overs, breaker
 * round trips. Orders run as in production: their breakers shared and trusted (a warm isolate).
 */
interface Budget {
	/** Billed rows written: the journal's rows, the personal-data row, and the alarm changes. */
	rowsWritten: number;
	alarmsSet: number;
	/** Alarm invocations: each is a request billed, and a reload when the object was evicted meanwhile. */
	wakes: number;
	journalRows: number;
	logLines: number;
	downstreamCalls: number;
	queueSends: number;
	breakerRoundTrips: number;
}

const BUDGETS: Record<"happy" | "outOfStock" | "declined", Budget> = {
	// Six journal rows (the floor: one durable write before each of the four calls, the wait for the
	// pick with the shipment's answer, the end), the personal-data row, the alarm set at the start and
	// once more for the erasure. Three hand-overs: the start (the index's first row), two index reports.
	happy: {
		rowsWritten: 9,
		alarmsSet: 2,
		wakes: 0,
		journalRows: 6,
		logLines: 1,
		downstreamCalls: 4,
		queueSends: 3,
		breakerRoundTrips: 0,
	},
	// Charge, reservation refused with the compensation and the refund's intent, the refund and the end.
	outOfStock: {
		rowsWritten: 7,
		alarmsSet: 2,
		wakes: 0,
		journalRows: 4,
		logLines: 2,
		downstreamCalls: 3,
		queueSends: 2,
		breakerRoundTrips: 0,
	},
	declined: {
		rowsWritten: 5,
		alarmsSet: 2,
		wakes: 0,
		journalRows: 2,
		logLines: 2,
		downstreamCalls: 1,
		queueSends: 2,
		breakerRoundTrips: 0,
	},
};

const PREFIX = "budget";
shareBreakers(PREFIX, { api: false });

/** Places the order (and picks it, when it waits for the pick) and lets it rest; what it cost. */
async function costOf(order: Order, until: (s: OrderStatus) => boolean): Promise<Budget> {
	const orderId = order.orderId;
	expect((await placeOrder(order)).status).toBe(202);
	if ((await settle(orderId)).status === "waiting") {
		expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
	}
	await settle(orderId, until);
	return restingCost(orderId);
}

/** What an order that came to rest cost. */
async function restingCost(orderId: string): Promise<Budget> {
	// Nothing but the erasure is left: its alarm is set, with no early wake before it.
	await dueAlarm(orderId);
	const status = await getStatus(orderId);
	const journalRows = (await journalRowsOf(orderId)).length;
	return {
		rowsWritten: status.usage.rowsWritten + status.usage.alarmsSet,
		alarmsSet: status.usage.alarmsSet,
		wakes: countOf("wake", orderId),
		journalRows,
		logLines: logged.filter((line) => line.orderId === orderId).length,
		downstreamCalls: (await ledger(orderId)).requests.length,
		queueSends: countOf("queue", orderId),
		breakerRoundTrips: countOf("breaker", orderId),
	};
}

const PATHS = [
	["happy", (id: string) => orderBody(id), "completed"],
	["outOfStock", (id: string) => outOfStockOrder(id), "compensated"],
	["declined", (id: string) => orderBody(id, { paymentMethod: "pm_card_declined" }), "compensated"],
] as const;

describe("what one order costs beside its business, in counts", () => {
	it.each(PATHS)(
		"the %s path, in an isolate that trusts the breakers, stays within its budget",
		async (path, order, final) => {
			// An order just before it made this isolate trust the breakers (for a few seconds): a busy fleet's case.
			const warm = `${PREFIX}-warm-${path}`;
			await confirmPick(warm, await placeUntilPick(orderBody(warm)));
			await settle(warm, (s) => s.status === "completed");
			const cost = await costOf(order(`${PREFIX}-${path}`), (s) => s.status === final);
			expect(cost).toEqual(BUDGETS[path]);
		},
	);

	it("in an isolate that does not trust them yet, each step asks its breaker once, and two answers are written before", async () => {
		// Breakers of its own, never asked before: a quiet service's case, or the first order after a deploy.
		// The placement's and the pick's answers must not wait for a breaker: their rows are written first.
		const cost = await costOf(orderBody(`cold-${PREFIX}`), (s) => s.status === "completed");
		expect(cost).toEqual({ ...BUDGETS.happy, breakerRoundTrips: 4, journalRows: 8, rowsWritten: 11 });
	});

	it("placed with Prefer: wait, an order costs what its path costs, and its client one request", async () => {
		const orderId = `${PREFIX}-held`;
		const held = await api("/orders", {
			method: "POST",
			body: outOfStockOrder(orderId),
			headers: { Prefer: "wait=20" },
		});
		expect(held.status).toBe(201);
		// The held answer is the only request the order's object served for its client: no reads.
		expect(((await held.json()) as OrderStatus).usage.requests).toBe(1);
		expect(await restingCost(orderId)).toEqual(BUDGETS.outOfStock);
	});

	it("each API request checks its key's rate limit once", async () => {
		const before = countsLike("rate-limit", "client:");
		await getStatus(`${PREFIX}-happy`);
		expect(countsLike("rate-limit", "client:") - before).toBe(1);
	});
});
