import { z } from "zod";
import { StepFailure } from "./errors";
import { OperatorAction, WorkflowFailure } from "./journal";

const Base = { id: z.string(), workflowId: z.string(), at: z.number() };

/**
 * What the engine tells the outside world, at least once: a workflow that needs a person, the end of
 * that episode, a step stuck past its SLA, a human step half-way to its deadline. Each is derived from
 * a journal entry, so a crash before delivery only delays it; `id` (workflow and entry) lets the
 * receiver drop a repeat.
 */
export const Notification = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("needs_attention"), ...Base, failure: WorkflowFailure, attempts: z.int() }),
	z.object({
		kind: z.literal("attention_closed"),
		...Base,
		episode: z.string(),
		action: OperatorAction,
		actor: z.string(),
		reason: z.string(),
	}),
	z.object({
		kind: z.literal("step_stuck"),
		...Base,
		step: z.string(),
		since: z.number(),
		attempts: z.int(),
		lastError: StepFailure.nullable(),
	}),
	z.object({ kind: z.literal("reminder"), ...Base, step: z.string(), deadline: z.number() }),
]);
export type Notification = z.infer<typeof Notification>;

export const notificationId = (workflowId: string, seq: number) => `${workflowId}:${seq}`;
