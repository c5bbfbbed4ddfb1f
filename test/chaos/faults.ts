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
	/** Retryable. */
	http500: { fault: "error", status: 500 },
	/** Retryable, with a Retry-After the engine must honour. */
	http503: { fault: "error", status: 503, retryAfterSeconds: 2 },
	http429: { fault: "error", status: 429, retryAfterSeconds: 7 },
	/** A permanent refusal: any 4xx but 408 and 429. */
	refused: { fault: "error", status: 409 },
	/** No effect, no answer: the attempt times out. */
	timeout_before: { fault: "timeout_before" },
	/** The effect happens, the answer is lost: the timeout trap. */
	timeout_after: { fault: "timeout_after" },
	/** The effect happens, the answer comes after the attempt's timeout (250 ms in tests). */
	latency: { fault: "latency", latencyMs: 400 },
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;
export const FAULT_KIND_NAMES = Object.keys(FAULT_KINDS) as FaultKind[];

/** Kinds that cost an attempt timeout of wall time each time they hit. */
export const isSlow = (kind: FaultKind) => kind === "timeout_before" || kind === "timeout_after" || kind === "latency";

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
}

const MAX_ATTEMPTS = DEFAULT_RETRY_POLICY.maxAttempts;

/** Which attempts a matrix fault hits: the first only, all but the last one allowed, or every one. */
export const PATTERNS = {
	once: { skip: 0, times: 1 },
	"until-last": { skip: 0, times: MAX_ATTEMPTS - 1 },
	always: { skip: 0, times: 100 },
} as const;
export type Pattern = keyof typeof PATTERNS;

export async function injectFaults(orderId: string, faults: readonly FaultSpec[]): Promise<void> {
	for (const { op, kind, skip, times } of faults) {
		const target = { service: OPERATIONS[op].service, operation: op, orderId };
		// A zero-latency "fault" lets a request through untouched while using up the rule: that is how a later attempt is targeted.
		if (skip > 0) await injectFault({ ...target, fault: "latency", latencyMs: 0, times: skip });
		await injectFault({ ...target, ...FAULT_KINDS[kind], times });
	}
}

export const describeFault = ({ op, kind, skip, times }: FaultSpec) =>
	`${op}:${kind}${skip > 0 ? ` after ${skip} ok` : ""} x${times}`;
