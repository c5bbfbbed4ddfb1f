import { z } from "zod";
import { StepFailure } from "./errors";
import type { Json as JsonValue } from "./steps";

// Journal values come from JSON.parse, so any value is JSON; z.json() would be exact but is recursive,
// which the OpenAPI generator cannot render. Documented as `{}`: any value, which clients type as unknown.
export const Json = z
	.unknown()
	.refine((value) => value !== undefined, "a JSON value")
	.meta({ description: "Any JSON value" }) as unknown as z.ZodType<JsonValue>;
const Step = z.string().min(1);

/** The failure that ended or endangered a workflow, as its status reports it. */
export const WorkflowFailure = z.object({
	step: z.string(),
	code: z.string(),
	message: z.string(),
});
export type WorkflowFailure = z.infer<typeof WorkflowFailure>;

/** Where a workflow rests for good unless a person acts. */
/** `terminated`: a person ended it as settled outside the system, with nothing undone. */
export const FinalStatus = z.enum([
	"completed",
	"compensated",
	"cancelled",
	"needs_attention",
	"resolved",
	"terminated",
]);
export type FinalStatus = z.infer<typeof FinalStatus>;
/** On its way: something runs now, or waits for a timer or an event. */
export const ActiveStatus = z.enum(["running", "waiting", "compensating"]);
export const WorkflowStatus = z.enum([...ActiveStatus.options, ...FinalStatus.options]);
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;

/**
 * What a person can do to a workflow from outside: stop it, redrive it, close it as fixed by hand,
 * pause and resume it (no calls out while paused), or end it with nothing undone.
 */
export const OperatorAction = z.enum(["cancel", "retry", "resolve", "pause", "resume", "terminate"]);
export type OperatorAction = z.infer<typeof OperatorAction>;

/**
 * Which way a redrive goes from a step in doubt: `forward` asks it under its key and carries the
 * workflow on; `compensate` learns it, then undoes what took effect (the redrive of old).
 */
export const RetryMode = z.enum(["forward", "compensate"]);
export type RetryMode = z.infer<typeof RetryMode>;

/**
 * What a step's service said when asked about the step's own idempotency key: the request took effect
 * (`applied`, with the result the call would have returned), it never did and the key is now fenced so
 * that it never can (`absent`), or the question itself failed (`unknown`).
 */
export const VerifyAnswer = z.enum(["applied", "absent", "unknown"]);
export type VerifyAnswer = z.infer<typeof VerifyAnswer>;

/** A step that calls out: a forward action, or the undo of one. */
export const CallKind = z.enum(["action", "undo"]);
export type CallKind = z.infer<typeof CallKind>;

/**
 * Everything that happens to a workflow, in order. The journal is append-only and is the only
 * state the engine keeps: step status, attempts and results are folded from it.
 */
export const JournalEvent = z.discriminatedUnion("type", [
	/** `version`: the workflow version it runs on for its whole life; absent in journals from before versions (1). */
	z.object({
		type: z.literal("workflow_started"),
		workflowId: z.string(),
		input: Json,
		version: z.int().positive().optional(),
	}),
	/** Written, and durable, before the attempt's call leaves the object. */
	z.object({
		type: z.literal("step_started"),
		step: Step,
		kind: CallKind,
		attempt: z.int().positive(),
		idempotencyKey: z.string(),
		timeoutAt: z.number(),
		/** When the step counts as stuck if it has not succeeded (its policy's SLA from the first attempt). */
		stuckAt: z.number().optional(),
		/** The attempt is its breaker's probe: if it fails, the step's budget is not charged. */
		probe: z.boolean().optional(),
		/**
		 * What the step's requests take from configuration (a signing key id, a callback URL), read at its
		 * first attempt and kept here, so that every later attempt sends the same request under the same key
		 * whatever has been deployed since. Absent for a step that pins nothing.
		 */
		pinned: Json.optional(),
	}),
	z.object({ type: z.literal("step_succeeded"), step: Step, result: Json }),
	/** `retryAt` null: the step failed for good. `probe`: the attempt was a breaker's probe, not counted in the budget. */
	z.object({
		type: z.literal("step_failed"),
		step: Step,
		attempt: z.int().nonnegative(),
		error: StepFailure,
		retryAt: z.number().nullable(),
		probe: z.boolean().optional(),
	}),
	/**
	 * The step's service was asked what became of its key while the step was in doubt. `fence`: the last
	 * attempt made, which the service refuses from now on if it answers absent. `result` with applied;
	 * `error` with unknown (why the question failed), and `retryAt`, when to ask again (null: not again
	 * before the engine acts as it would without an answer).
	 */
	z.object({
		type: z.literal("step_verified"),
		step: Step,
		answer: VerifyAnswer,
		fence: z.int().nonnegative(),
		result: Json.optional(),
		error: StepFailure.optional(),
		retryAt: z.number().nullable(),
	}),
	z.object({ type: z.literal("step_stuck"), step: Step, since: z.number(), attempts: z.int() }),
	/**
	 * The step's downstream is open or paused: no attempt is made or counted until it is released.
	 * `until`: when the hold ends the step for good (its policy's maxHoldMs); null for an undo, never given up.
	 */
	z.object({
		type: z.literal("step_held"),
		step: Step,
		kind: CallKind,
		idempotencyKey: z.string(),
		downstream: z.string(),
		reason: z.string(),
		until: z.number().nullable(),
		stuckAt: z.number().optional(),
		/**
		 * When the step asks its breaker again of its own, in case its release is lost (each refusal journals
		 * the hold again, with a later recheck). Absent in journals from before it was kept: at once.
		 */
		recheckAt: z.number().optional(),
	}),
	/**
	 * The downstream let the held step go: its next attempt runs, as the breaker's probe if `probe`, from
	 * `notBefore` (its slot in a release wave; absent: at once).
	 */
	z.object({
		type: z.literal("step_released"),
		step: Step,
		probe: z.boolean(),
		notBefore: z.number().optional(),
	}),
	/** `events`: the alternatives a wait for any of several events takes (absent: the step's own name is the event). */
	z.object({
		type: z.literal("event_waiting"),
		step: Step,
		deadline: z.number(),
		remindAt: z.number(),
		events: z.array(z.string()).optional(),
	}),
	z.object({ type: z.literal("event_reminder"), step: Step, deadline: z.number() }),
	/** `event`: which of a wait's alternatives came (absent: the step's own name is the event). */
	z.object({ type: z.literal("event_received"), step: Step, payload: Json, event: z.string().optional() }),
	/** From here on a step that fails for good is recorded, never compensated, and a cancel is refused. */
	z.object({ type: z.literal("point_of_no_return") }),
	z.object({ type: z.literal("compensation_started"), failure: WorkflowFailure }),
	z.object({ type: z.literal("workflow_finished"), status: FinalStatus, failure: WorkflowFailure.nullable() }),
	/**
	 * The audit trail of a person's action: who (a key id or a person, never a key), why, and for a retry
	 * which steps get a fresh budget and, going forward, `mode` (absent: compensate, as every retry before it).
	 */
	z.object({
		type: z.literal("operator_action"),
		action: OperatorAction,
		actor: z.string(),
		reason: z.string(),
		requestKey: z.string().nullable(),
		steps: z.array(Step),
		mode: RetryMode.optional(),
	}),
	/** Notifications (dead letters, alerts) handed over for delivery. */
	z.object({ type: z.literal("notifications_sent"), ids: z.array(z.string()) }),
	/** Data the host keeps apart from the journal (a customer's personal data) was erased: which, and why. */
	z.object({ type: z.literal("data_erased"), fields: z.array(z.string()), reason: z.literal("retention") }),
]);
export type JournalEvent = z.infer<typeof JournalEvent>;
export type EventOf<T extends JournalEvent["type"]> = Extract<JournalEvent, { type: T }>;

export const JournalEntry = z.intersection(z.object({ seq: z.int(), at: z.number() }), JournalEvent);
export type JournalEntry = z.infer<typeof JournalEntry>;
export type EntryOf<T extends JournalEvent["type"]> = EventOf<T> & { seq: number; at: number };
