import { z } from "zod";
import { StepFailure } from "../engine/errors";
import { type JournalEntry, JournalEvent, WorkflowFailure, WorkflowStatus } from "../engine/events";
import type { WorkflowState } from "../engine/state";
import { StepKind, type StepState, StepStatus } from "../engine/step-state";
import { isoTime } from "../engine/time";
import { Usage } from "../engine/usage";
import { UNKNOWN_DOWNSTREAM_CODE } from "./failure-codes";
import { Order, OrderId, orderTotalCents, ShippingAddress } from "./order";
import { ERASED, type OrderView } from "./personal-data";
import { type OrderRef, Tenant } from "./tenant";

/** Who reads a status or a history: a client sees failure codes and neutral messages; an operator, the details. */
export type Audience = "client" | "operator";

/** What a client is told of a failure: its code in plain words, never a downstream's URL or answer. */
export function neutralMessage(step: string, code: string): string {
	if (code === "outcome_unknown") return `${step} may have taken effect; the order is with a person`;
	if (code === "cancelled") return "the order was cancelled";
	return `${step} failed (${code})`;
}

/**
 * A failure's code as a client may read it. Journals of this version hold only known codes (see
 * failure-codes.ts); one written before may hold a downstream's raw code (a URL, 300 KB), which no
 * client reads.
 */
const publicCode = (code: string) => (/^[a-z][a-z0-9_]{0,63}$/.test(code) ? code : UNKNOWN_DOWNSTREAM_CODE);

const told = <T extends { code: string; message: string } | null>(audience: Audience, step: string, failure: T): T => {
	if (!failure || audience !== "client") return failure;
	const code = publicCode(failure.code);
	return { ...failure, code, message: neutralMessage(step, code) };
};

const Timestamp = z.iso.datetime().describe("ISO 8601, UTC");

const iso = (ms: number | null | undefined) => (ms == null ? null : isoTime(ms));

export const StepView = z
	.object({
		name: z.string(),
		kind: StepKind,
		status: StepStatus,
		attempts: z.int(),
		idempotencyKey: z.string().nullable(),
		lastError: StepFailure.nullable(),
		nextAttemptAt: Timestamp.nullable(),
		/** While held: the downstream it waits for, and when the hold would end it for good (null: never, an undo). */
		heldBy: z.string().nullable(),
		heldUntil: Timestamp.nullable(),
		startedAt: Timestamp.nullable(),
		finishedAt: Timestamp.nullable(),
	})
	.meta({ id: "Step" });

export const OrderStatus = z
	.object({
		orderId: OrderId,
		/** The workflow version the order runs on, from its start to its end. */
		workflowVersion: z.int(),
		status: WorkflowStatus,
		/** True when a human must look: `needs_attention`, or completed with a failed step after the point of no return. */
		needsAttention: z.boolean(),
		totalCents: z.int(),
		currency: z.string(),
		customer: z.object({
			id: z.string(),
			email: z.string().describe(`The customer's email, or "${ERASED}" once its retention has passed`),
		}),
		shippingAddress: z.union([ShippingAddress, z.literal(ERASED)]),
		currentStep: z.string().nullable(),
		steps: z.array(StepView),
		waitingFor: z.object({ event: z.string(), deadline: Timestamp }).nullable(),
		failure: WorkflowFailure.nullable(),
		createdAt: Timestamp,
		updatedAt: Timestamp,
		/** What the order has cost so far in Durable Object billing units. */
		usage: Usage,
	})
	.extend({ tenant: Tenant })
	.meta({ id: "OrderStatus" });
export type OrderStatus = z.infer<typeof OrderStatus>;

/** The journal's fields that hold a time: epoch ms inside, ISO 8601 in the API like every other time. */
const TIME_FIELDS = ["timeoutAt", "stuckAt", "retryAt", "since", "deadline", "remindAt", "until"] as const;
type TimeField = (typeof TIME_FIELDS)[number];
type Timed<T> = { [K in keyof T]: K extends TimeField ? Exclude<T[K], number> | string : T[K] };
const isTimeField = (key: string): key is TimeField => (TIME_FIELDS as readonly string[]).includes(key);

/** The order as history's first entry shows it: personal data, or "[erased]" where it was. */
const PlacedOrder = z.object({
	...Order.shape,
	customer: z.object({ id: z.string(), email: z.string() }),
	shippingAddress: z.union([ShippingAddress, z.literal(ERASED)]),
});

/** A journal event's schema with its times as ISO strings, and the order placed in full. */
function viewSchema(event: (typeof JournalEvent.options)[number]) {
	const shape: Record<string, z.ZodType> = { seq: z.int(), at: Timestamp };
	for (const [key, field] of Object.entries(event.shape as Record<string, z.ZodType>)) {
		if (!isTimeField(key)) continue;
		if (field.safeParse(null).success) shape[key] = Timestamp.nullable();
		else shape[key] = field.safeParse(undefined).success ? Timestamp.optional() : Timestamp;
	}
	if ("input" in event.shape) shape.input = PlacedOrder;
	return event.extend(shape);
}

export type HistoryEntry = Timed<JournalEvent> & { seq: number; at: string };
export const HistoryEntry = z
	.discriminatedUnion("type", JournalEvent.options.map(viewSchema) as unknown as [z.ZodObject, ...z.ZodObject[]])
	.meta({ id: "HistoryEntry" }) as unknown as z.ZodType<HistoryEntry>;
export const OrderHistory = z
	.object({ tenant: Tenant, orderId: OrderId, events: z.array(HistoryEntry) })
	.meta({ id: "OrderHistory" });
export interface OrderHistory {
	tenant: string;
	orderId: string;
	events: HistoryEntry[];
}

function stepView(step: StepState, audience: Audience): z.infer<typeof StepView> {
	const common = {
		name: step.name,
		kind: step.kind,
		status: step.status,
		lastError: told(audience, step.name, step.lastError),
		startedAt: iso(step.startedAt),
		finishedAt: iso(step.finishedAt),
	};
	if (step.kind === "event")
		return { ...common, attempts: 0, idempotencyKey: null, nextAttemptAt: null, heldBy: null, heldUntil: null };
	return {
		...common,
		attempts: step.attempts,
		idempotencyKey: step.idempotencyKey,
		nextAttemptAt: iso(step.nextAttemptAt),
		heldBy: step.hold?.downstream ?? null,
		heldUntil: iso(step.hold?.until),
	};
}

/** The order's status, read straight from the workflow state folded from its journal. */
export function orderStatus(
	ref: OrderRef,
	order: OrderView,
	state: WorkflowState,
	usage: Usage,
	audience: Audience,
): OrderStatus {
	const current = state.current;
	const failure = state.failure;
	return {
		...ref,
		workflowVersion: state.workflowVersion,
		status: state.status,
		needsAttention: state.needsAttention,
		totalCents: orderTotalCents(order),
		currency: order.currency,
		customer: order.customer,
		shippingAddress: order.shippingAddress,
		currentStep: current?.name ?? null,
		steps: [...state.steps.values()].map((step) => stepView(step, audience)),
		waitingFor:
			current?.kind === "event" && current.status === "waiting" && current.deadline !== null
				? { event: current.name, deadline: isoTime(current.deadline) }
				: null,
		failure: failure && told(audience, failure.step, failure),
		createdAt: isoTime(state.createdAt),
		updatedAt: isoTime(state.updatedAt),
		usage: { ...usage },
	};
}

/**
 * One journal entry as the audience may read it: a client's failures carry codes and neutral
 * messages; the order placed shows its personal data, or "[erased]", from where it is kept apart.
 */
export function historyEntry(entry: JournalEntry, order: OrderView, audience: Audience): HistoryEntry {
	const told = tellable(entry, order, audience) as Record<string, unknown>;
	for (const key of TIME_FIELDS) if (typeof told[key] === "number") told[key] = isoTime(told[key]);
	return { ...told, at: isoTime(entry.at) } as HistoryEntry;
}

function tellable(entry: JournalEntry, order: OrderView, audience: Audience): JournalEntry {
	switch (entry.type) {
		case "workflow_started":
			return { ...entry, input: order };
		case "step_failed":
			return { ...entry, error: told(audience, entry.step, entry.error) };
		case "step_stuck":
			return entry;
		case "compensation_started":
			return { ...entry, failure: told(audience, entry.failure.step, entry.failure) };
		case "workflow_finished":
			return { ...entry, failure: entry.failure && told(audience, entry.failure.step, entry.failure) };
		default:
			return entry;
	}
}

export function orderHistory(
	ref: OrderRef,
	entries: JournalEntry[],
	order: OrderView,
	audience: Audience,
): OrderHistory {
	const events = entries.map((entry) => historyEntry(entry, order, audience));
	return { ...ref, events };
}
