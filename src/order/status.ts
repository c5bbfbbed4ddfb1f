import { z } from "zod";
import { StepFailure } from "../engine/errors";
import { type JournalEntry, JournalEvent, VerifyAnswer, WorkflowFailure, WorkflowStatus } from "../engine/events";
import type { WorkflowState } from "../engine/state";
import { StepKind, type StepState, StepStatus } from "../engine/step-state";
import { isoTime } from "../engine/time";
import { Usage } from "../engine/usage";
import { type Audience, tellable, told, toldPause } from "./audience";
import { Order, OrderId, orderTotalCents, ShippingAddress } from "./order";
import { ERASED, type OrderView } from "./personal-data";

export type { Audience };

import { type OrderRef, Tenant } from "./tenant";

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
		/** When its service was last asked what became of its key (while it was in doubt), and what it answered. */
		verifiedAt: Timestamp.nullable(),
		verification: VerifyAnswer.nullable(),
		/** For a step that waits for an event: which one came (of a wait's alternatives, the one that won). */
		event: z.string().nullable(),
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
		/** `event`: the wait's step; `events`: what it takes (one event, or the alternatives of which the first wins). */
		waitingFor: z.object({ event: z.string(), events: z.array(z.string()), deadline: Timestamp }).nullable(),
		failure: WorkflowFailure.nullable(),
		/** Set while a person has paused the order: it calls no downstream until resumed; its deadlines still count. */
		paused: z.object({ since: Timestamp, actor: z.string(), reason: z.string() }).nullable(),
		createdAt: Timestamp,
		updatedAt: Timestamp,
		/** What the order has cost so far in Durable Object billing units. */
		usage: Usage,
	})
	.extend({ tenant: Tenant })
	.meta({ id: "OrderStatus" });
export type OrderStatus = z.infer<typeof OrderStatus>;

/** The journal's fields that hold a time: epoch ms inside, ISO 8601 in the API like every other time. */
const TIME_FIELDS = [
	"timeoutAt",
	"stuckAt",
	"retryAt",
	"since",
	"deadline",
	"remindAt",
	"until",
	"recheckAt",
	"notBefore",
] as const;
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
	if (step.kind === "event") {
		const none = { idempotencyKey: null, nextAttemptAt: null, heldBy: null, heldUntil: null };
		return { ...common, ...none, attempts: 0, verifiedAt: null, verification: null, event: step.event };
	}
	return {
		...common,
		attempts: step.attempts,
		idempotencyKey: step.idempotencyKey,
		nextAttemptAt: iso(step.nextAttemptAt),
		heldBy: step.hold?.downstream ?? null,
		heldUntil: iso(step.hold?.until),
		verifiedAt: iso(step.verification?.at),
		verification: step.verification?.answer ?? null,
		event: null,
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
	const current = state.activeStep;
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
			// A terminated order's wait never ended in its journal, but nothing waits any more.
			current?.kind === "event" && current.status === "waiting" && current.deadline !== null && !state.finished
				? { event: current.name, events: current.events ?? [current.name], deadline: isoTime(current.deadline) }
				: null,
		failure: failure && told(audience, failure.step, failure),
		paused: state.paused && { since: isoTime(state.paused.at), ...toldPause(state.paused, audience) },
		createdAt: isoTime(state.createdAt),
		updatedAt: isoTime(state.updatedAt),
		usage: { ...usage },
	};
}

/** One journal entry as the audience may read it (see audience.ts), its times as ISO 8601. */
export function historyEntry(entry: JournalEntry, order: OrderView, audience: Audience): HistoryEntry {
	const told = tellable(entry, order, audience) as Record<string, unknown>;
	for (const key of TIME_FIELDS) if (typeof told[key] === "number") told[key] = isoTime(told[key]);
	return { ...told, at: isoTime(entry.at) } as HistoryEntry;
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
