import { z } from "zod";
import { StepFailure } from "../engine/errors";
import { type JournalEntry, JournalEvent, WorkflowFailure, WorkflowStatus } from "../engine/events";
import type { WorkflowState } from "../engine/state";
import { StepKind, type StepState, StepStatus } from "../engine/step-state";
import { isoTime } from "../engine/time";
import { Usage } from "../engine/usage";
import { type Order, OrderId, orderTotalCents } from "./order";

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
		startedAt: Timestamp.nullable(),
		finishedAt: Timestamp.nullable(),
	})
	.meta({ id: "Step" });

export const OrderStatus = z
	.object({
		orderId: OrderId,
		status: WorkflowStatus,
		/** True when a human must look: `needs_attention`, or completed with a failed step after the point of no return. */
		needsAttention: z.boolean(),
		totalCents: z.int(),
		currency: z.string(),
		currentStep: z.string().nullable(),
		steps: z.array(StepView),
		waitingFor: z.object({ event: z.string(), deadline: Timestamp }).nullable(),
		failure: WorkflowFailure.nullable(),
		createdAt: Timestamp,
		updatedAt: Timestamp,
		/** What the order has cost so far in Durable Object billing units. */
		usage: Usage,
	})
	.meta({ id: "OrderStatus" });
export type OrderStatus = z.infer<typeof OrderStatus>;

export const HistoryEntry = z
	.intersection(z.object({ seq: z.int(), at: Timestamp }), JournalEvent)
	.meta({ id: "HistoryEntry" });
export const OrderHistory = z.object({ orderId: OrderId, events: z.array(HistoryEntry) }).meta({ id: "OrderHistory" });
export type OrderHistory = z.infer<typeof OrderHistory>;

function stepView(step: StepState): z.infer<typeof StepView> {
	const common = {
		name: step.name,
		kind: step.kind,
		status: step.status,
		lastError: step.lastError,
		startedAt: iso(step.startedAt),
		finishedAt: iso(step.finishedAt),
	};
	if (step.kind === "event") return { ...common, attempts: 0, idempotencyKey: null, nextAttemptAt: null };
	return {
		...common,
		attempts: step.attempts,
		idempotencyKey: step.idempotencyKey,
		nextAttemptAt: iso(step.nextAttemptAt),
	};
}

/** The order's status, read straight from the workflow state folded from its journal. */
export function orderStatus(order: Order, state: WorkflowState, usage: Usage): OrderStatus {
	const current = state.current;
	return {
		orderId: order.orderId,
		status: state.status,
		needsAttention: state.needsAttention,
		totalCents: orderTotalCents(order),
		currency: order.currency,
		currentStep: current?.name ?? null,
		steps: [...state.steps.values()].map(stepView),
		waitingFor:
			current?.kind === "event" && current.status === "waiting" && current.deadline !== null
				? { event: current.name, deadline: isoTime(current.deadline) }
				: null,
		failure: state.failure,
		createdAt: isoTime(state.createdAt),
		updatedAt: isoTime(state.updatedAt),
		usage: { ...usage },
	};
}

export function orderHistory(orderId: string, entries: JournalEntry[]): OrderHistory {
	return { orderId, events: entries.map((entry) => ({ ...entry, at: isoTime(entry.at) })) };
}
