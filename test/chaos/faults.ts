import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import { injectFault } from "../helpers";

/** Every downstream operation the order workflow calls, with the service and the step that calls it. */
export const OPERATIONS = {
	charge: { service: "payments", step: "charge-payment" },
	refund: { service: "payments", step: "charge-payment:undo" },
	reserve: { service: "inventory", step: "reserve-inventory" },
	release: { service: "inventory", step: "reserve-inventory:undo" },
	ship: { service: "shipping", step: "schedule-shipping" },
	cancel: { service: "shipping", step: "schedule-shipping:undo" },
	send: { service: "email", step: "send-confirmation" },
} as const;
export type Operation = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[];

/** Undo operations only run while an order is compensated. */
export const isUndo = (op: Operation) => OPERATIONS[op].step.endsWith(":undo");

/** The sandbox fault rule behind each kind of fault. */
export const FAULT_KINDS = {
	/** May have taken effect (a 5xx): retried under the same key, never taken as "did not happen". */
	http500: { fault: "error", status: 500 },
	/** The same, with a Retry-After the engine must honour. */
	http503: { fault: "error", status: 503, retryAfterSeconds: 2 },
	/** Not processed (rate limited), with a Retry-After. */
	http429: { fault: "error", status: 429, retryAfterSeconds: 7 },
	/** Not processed: "a request with this key is still in progress". */
	in_use: { fault: "error", status: 409 },
	/** A definitive refusal: any 4xx but 408, 409 and 429. */
	refused: { fault: "error", status: 422 },
	/** No effect, no answer: the attempt times out. */
	timeout_before: { fault: "timeout_before" },
	/** The effect happens, the answer is lost: the timeout trap. */
	timeout_after: { fault: "timeout_after" },
	/** The effect happens, the answer comes after the attempt's timeout (250 ms in tests). */
	latency: { fault: "latency", latencyMs: 400 },
	/** The effect happens, then a gateway answers 502. */
	error_after: { fault: "error_after", status: 502 },
	/** The effect happens, then the answer is a 200 whose body is not the documented JSON. */
	garbage_after: { fault: "garbage_after" },
	/** The effect happens, then the connection is reset in the middle of the answer. */
	reset_after: { fault: "reset_after" },
	/** Rate limited for ten minutes at a time: a few of these keep a step retrying past its SLA. */
	slow_down: { fault: "error", status: 429, retryAfterSeconds: 600 },
	/**
	 * The request reaches the service a second late, long after its attempt timed out and the service was
	 * asked about its key: the race a fence exists for (it must be refused, or the question said applied).
	 */
	arrives_late: { fault: "arrive_late", latencyMs: 1_000 },
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;
export const FAULT_KIND_NAMES = Object.keys(FAULT_KINDS) as FaultKind[];

/** The kinds whose effect is applied before the answer goes wrong: the effect_then_error family. */
export const EFFECT_THEN_ERROR: readonly FaultKind[] = ["error_after", "garbage_after", "reset_after"];

/** Kinds that cost an attempt timeout of wall time each time they hit. */
export const isSlow = (kind: FaultKind) =>
	kind === "timeout_before" || kind === "timeout_after" || kind === "latency" || kind === "arrives_late";

/** How long after an order rests a request an `arrives_late` fault held back may still arrive, in ms. */
export const LATE_ARRIVAL_MS = FAULT_KINDS.arrives_late.latencyMs + 250;

/**
 * A fault on one operation of one order: after `skip` requests pass untouched, the next `times`
 * requests get it. Several faults on one operation apply one after the other, in the order given
 * (the sandbox takes the oldest rule that still has requests left).
 */
export interface FaultSpec {
	op: Operation;
	kind: FaultKind;
	skip: number;
	times: number;
	/** The error's message repeats the customer's email and address, as real services' refusals often do. */
	echo?: boolean;
	/** The fault hits the questions about the operation's keys (its service's verify), not the operation. */
	asked?: boolean;
}

/** A message that repeats what the service was sent of the customer: what erasure must reach. */
export const echoOf = (personal: { email: string; line1: string; city: string; postalCode: string }) =>
	`delivery to ${personal.line1}, ${personal.city} ${personal.postalCode} refused; notified ${personal.email}`;

const MAX_ATTEMPTS = DEFAULT_RETRY_POLICY.maxAttempts;

/** Which attempts a matrix fault hits: the first only, all but the last one allowed, or every one. */
export const PATTERNS = {
	once: { skip: 0, times: 1 },
	"until-last": { skip: 0, times: MAX_ATTEMPTS - 1 },
	always: { skip: 0, times: 100 },
} as const;
export type Pattern = keyof typeof PATTERNS;

export async function injectFaults(orderId: string, faults: readonly FaultSpec[], echo = ""): Promise<void> {
	for (const { op, kind, skip, times, echo: echoes, asked } of faults) {
		const target = { service: OPERATIONS[op].service, operation: asked ? "verify" : op, orderId };
		// A zero-latency "fault" lets a request through untouched while using up the rule: that is how a later attempt is targeted.
		if (skip > 0) await injectFault({ ...target, fault: "latency", latencyMs: 0, times: skip });
		await injectFault({ ...target, ...FAULT_KINDS[kind], times, ...(echoes ? { message: echo } : {}) });
	}
}

/** How long every call of a case is held in flight when something must happen in the middle of one, in ms. */
const HOLD_MS = 120;

/** Holds each of the order's calls in flight a moment (after its other faults): requests and resets land in the middle of it. */
export async function holdCalls(orderId: string): Promise<void> {
	for (const op of OPERATION_NAMES)
		await injectFault({
			service: OPERATIONS[op].service,
			operation: op,
			orderId,
			fault: "latency",
			latencyMs: HOLD_MS,
			times: 100,
		});
}

export const describeFault = ({ op, kind, skip, times, echo, asked }: FaultSpec) =>
	`${asked ? `verify of ${OPERATIONS[op].service}` : op}:${kind}${skip > 0 ? ` after ${skip} ok` : ""} x${times}${echo ? " (repeating the customer's data)" : ""}`;
