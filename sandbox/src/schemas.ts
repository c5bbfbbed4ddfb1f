import { z } from "zod";

/** Every downstream operation the sandbox serves, by service. */
export const Service = z.enum(["payments", "inventory", "shipping", "email", "alerts"]);
export type Service = z.infer<typeof Service>;

export const Operation = z.enum(["charge", "refund", "reserve", "release", "ship", "cancel", "send", "alert"]);
export type Operation = z.infer<typeof Operation>;

/** What a fault rule may name: a service's operations, or `verify`, its answer about a key (see fences.ts). */
export const FaultOperation = z.enum([...Operation.options, "verify"]);
export type FaultOperation = z.infer<typeof FaultOperation>;

/** The services the order workflow calls, each with its own verify route. */
export const VerifiedService = Service.exclude(["alerts"]);
export type VerifiedService = z.infer<typeof VerifiedService>;

export const SERVICE_OF: Record<Operation, Service> = {
	charge: "payments",
	refund: "payments",
	reserve: "inventory",
	release: "inventory",
	ship: "shipping",
	cancel: "shipping",
	send: "email",
	alert: "alerts",
};

const Item = z.object({ sku: z.string().min(1), quantity: z.int().positive() });

/** Request bodies, per operation. The path id (charge, reservation, shipment) is passed separately. */
export const OperationBody = {
	charge: z.object({
		orderId: z.string().min(1),
		amountCents: z.int().nonnegative(),
		currency: z.string().length(3),
		paymentMethod: z.string().min(1),
	}),
	refund: z.object({
		chargeId: z.string().min(1),
		amountCents: z.int().nonnegative(),
	}),
	reserve: z.object({
		orderId: z.string().min(1),
		items: z.array(Item).min(1),
	}),
	release: z.object({}).loose(),
	ship: z.object({
		orderId: z.string().min(1),
		address: z.record(z.string(), z.unknown()).optional(),
		callbackUrl: z.url(),
		callbackToken: z.string().min(1),
		/** Where the warehouse says it cannot pick, with a token of its own (workflow version 2 on). */
		cannotPick: z.object({ callbackUrl: z.url(), callbackToken: z.string().min(1) }).optional(),
	}),
	cancel: z.object({}).loose(),
	send: z.object({
		orderId: z.string().min(1),
		to: z.email(),
		template: z.string().min(1),
	}),
	/** A Slack-compatible webhook body: `text` is all Slack itself requires. */
	alert: z.object({ text: z.string().min(1) }).loose(),
} satisfies Record<Operation, z.ZodType>;

/**
 * `error`: answers `status` with no effect. `error_after`: applies the operation as a success would
 * (stored under its idempotency key), then answers `status`. `garbage_after`: applies it, then answers
 * 200 with a body that is not the documented JSON. `reset_after`: applies it, then cuts the answer off
 * mid-body, as a reset connection would. `timeout_before` hangs with no effect, `timeout_after`
 * applies the effect then hangs; `latency` applies it and answers late. `arrive_late`: the request
 * reaches the service only after `latencyMs`, whatever became of its caller meanwhile (an original
 * still in flight when its caller gave up, and perhaps asked about its key).
 */
export const FaultKind = z.enum([
	"error",
	"error_after",
	"garbage_after",
	"reset_after",
	"timeout_before",
	"timeout_after",
	"latency",
	"arrive_late",
]);

/** A fault rule, as posted to `POST /faults`. */
export const FaultRule = z.object({
	service: Service,
	operation: FaultOperation,
	orderId: z.string().min(1).optional(),
	/** How many matching requests the rule applies to. */
	times: z.int().positive().default(1),
	fault: FaultKind,
	/** Status for `error` and `error_after` faults; 429 and 503 carry `Retry-After`. */
	status: z.int().min(400).max(599).default(500),
	/** Delay for `latency` and `arrive_late` faults. */
	latencyMs: z.int().nonnegative().default(0),
	/** `Retry-After` seconds sent with 429 and 503 errors. */
	retryAfterSeconds: z.int().nonnegative().default(1),
	/** A `message` for the error body of `error` and `error_after` faults (a huge one, say). */
	message: z.string().optional(),
	/** The `code` of their error body; default `fault_injected`. */
	code: z.string().optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

/** How the Worker must answer one downstream request, decided by the ledger object. */
export interface Decision {
	status: number;
	body: object;
	headers?: Record<string, string>;
	/** Hold the response this long (latency and timeout faults). */
	delayMs?: number;
	/** Spoil the answer after the effect: a body that is not JSON, or one cut off mid-way. */
	spoil?: "garbage" | "reset";
	/** The request has not reached the service yet: it does this many ms later (an `arrive_late` fault). */
	arrivesInMs?: number;
}

/** What the warehouse can tell an order about its shipment, by the event its callback delivers. */
export const WAREHOUSE_EVENTS = { pick: "warehouse-picked", "cannot-pick": "warehouse-cannot-pick" } as const;
export type WarehouseAnswer = keyof typeof WAREHOUSE_EVENTS;

/** Where one of the warehouse's answers about a shipment goes: the order's callback for it, and its token. */
export interface PickTarget {
	shipmentId: string;
	/** The event the callback delivers to the order. */
	event: (typeof WAREHOUSE_EVENTS)[WarehouseAnswer];
	callbackUrl: string;
	callbackToken: string;
}
