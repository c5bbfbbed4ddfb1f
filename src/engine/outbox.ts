import { z } from "zod";
import { StepFailure } from "./errors";
import { OperatorAction, WorkflowFailure } from "./events";

/**
 * One needs-attention episode: opened when the workflow gives up, closed when a person redrives or
 * resolves it. Each message about it carries it whole, so the receiver can store it in any order:
 * a close that overtakes its open still closes it.
 */
export const Episode = z.object({
	id: z.string(),
	failure: WorkflowFailure,
	attempts: z.int(),
	openedAt: z.number(),
	closed: z
		.object({ at: z.number(), action: OperatorAction.exclude(["cancel"]), actor: z.string(), reason: z.string() })
		.nullable(),
});
export type Episode = z.infer<typeof Episode>;

export const NotificationKind = z.enum(["started", "needs_attention", "attention_closed", "step_stuck", "reminder"]);
export type NotificationKind = z.infer<typeof NotificationKind>;

const Base = { id: z.string(), workflowId: z.string(), at: z.number() };
const { started, needs_attention, attention_closed, step_stuck, reminder } = NotificationKind.enum;

/**
 * What the engine tells the outside world, at least once: a workflow that started (so an index knows
 * it exists), one that needs a person, the end of that episode, a step stuck past its SLA, a human
 * step half-way to its deadline. Each is derived from
 * a journal entry, so a crash before delivery only delays it; `id` (workflow and entry) lets the
 * receiver drop a repeat.
 */
export const Notification = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal(started), ...Base }),
	z.object({ kind: z.literal(needs_attention), ...Base, episode: Episode }),
	z.object({ kind: z.literal(attention_closed), ...Base, episode: Episode }),
	z.object({
		kind: z.literal(step_stuck),
		...Base,
		step: z.string(),
		since: z.number(),
		attempts: z.int(),
		lastError: StepFailure.nullable(),
	}),
	z.object({ kind: z.literal(reminder), ...Base, step: z.string(), deadline: z.number() }),
]);
export type Notification = z.infer<typeof Notification>;

export const notificationId = (workflowId: string, seq: number) => `${workflowId}:${seq}`;
