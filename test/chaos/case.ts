import type { Order } from "../../src/order/order";
import type { OrderHistory, OrderStatus } from "../../src/order/status";
import { type Ledger, orderBody } from "../helpers";
import type { CrashPoint } from "./crash-plan";
import type { Interleave, MidCallCrash, OutageSpec, PlatformFaultSpec, TimingSpec } from "./families";
import type { FaultSpec } from "./faults";
import type { Violation } from "./summary";
import type { Warehouse } from "./warehouse";

/** What the customer orders: a normal order, one the inventory refuses, or one the bank declines. */
export type OrderKind = "standard" | "out-of-stock" | "declined";

/** One chaos case: one order, its faults, its crashes, and what the warehouse does. */
export interface CaseSpec {
	/** Stable and readable; `npm run chaos` reruns a matrix case by it. */
	id: string;
	orderId: string;
	order: OrderKind;
	faults: FaultSpec[];
	crashes: CrashPoint[];
	warehouse: Warehouse;
	/** Crashes between runs, at rest: at each alarm the driver fires, with this chance, from this seed. */
	restCrashes: { seed: number; chance: number } | null;
	/** Queue and D1 faults around the order. */
	platform: PlatformFaultSpec[];
	/** Requests and alarms that arrive while a downstream call is in flight. */
	interleave: Interleave[];
	/** Resets while a downstream call or a notification hand-over is in flight. */
	midCall: MidCallCrash[];
	/** How alarms are delivered; null: each at its scheduled time, on whatever instance is live. */
	timing: TimingSpec | null;
	/** A window in which one of its downstreams is paused at the breaker; null: none. */
	outage: OutageSpec | null;
}

/** A case with nothing but what `spec` names: no faults, no crashes, no interleaving, the warehouse picks. */
export function caseSpec(spec: Pick<CaseSpec, "id" | "orderId"> & Partial<CaseSpec>): CaseSpec {
	return {
		order: "standard",
		faults: [],
		crashes: [],
		warehouse: "picks",
		restCrashes: null,
		platform: [],
		interleave: [],
		midCall: [],
		timing: null,
		outage: null,
		...spec,
	};
}

export function orderFor(spec: Pick<CaseSpec, "orderId" | "order">): Order {
	if (spec.order === "out-of-stock") {
		return orderBody(spec.orderId, { items: [{ sku: "OOS-LAMP", quantity: 1, unitPriceCents: 9999 }] });
	}
	if (spec.order === "declined") return orderBody(spec.orderId, { paymentMethod: "pm_card_declined" });
	return orderBody(spec.orderId);
}

export type { Violation } from "./summary";

export type HistoryEntry = OrderHistory["events"][number];

/** Everything known about a case once it has run: what the invariants are checked against. */
export interface Observation {
	spec: CaseSpec;
	/** Null when the order does not exist. */
	status: OrderStatus | null;
	history: HistoryEntry[];
	ledger: Ledger;
	alarm: number | null;
	/** The order was acknowledged to the client (202 or 200) at least once. */
	accepted: boolean;
	/** Every checkpoint the object passed, with the crashes. */
	trace: string[];
	checkpoints: { committed: number; returned: number };
	crashes: number;
	/** What the driver saw go wrong on the way: refused genuine picks, accepted forged ones, a stuck order. */
	incidents: Violation[];
	/** Hiccups of the test platform that the driver retried (a 5xx or alarm error with no crash injected under it). */
	notes: string[];
	/** Every API call the driver made and its answer, in order. */
	calls: string[];
	/** Every answer a pick, cancel, operator action or repeated placement got, in order. */
	answers: Answer[];
	/** What the order's object stores, as text: its journal, and every table (the journal too). */
	stored: { journal: string; all: string };
	/** The order's dead letters and index row in D1, once delivery has had its chance; null: not checked. */
	d1: { deadLetters: D1Row[]; index: D1Row | null } | null;
	elapsedMs: number;
}

export interface Answer {
	action: string;
	status: number;
	/** Sent while a downstream call was in flight. */
	interleaved: boolean;
}

export type D1Row = Record<string, unknown>;
