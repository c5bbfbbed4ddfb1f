import { z } from "zod";
import type { Json } from "./context";
import type { StepFailure } from "./errors";
import type { JournalEntry, WorkflowFailure } from "./journal";
import { undoStepName } from "./keys";

export const WorkflowStatus = z.enum([
	"running",
	"waiting",
	"completed",
	"compensating",
	"compensated",
	"needs_attention",
]);
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;

export const StepStatus = z.enum(["running", "retrying", "waiting", "succeeded", "failed"]);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepKind = z.enum(["action", "undo", "event"]);
export type StepKind = z.infer<typeof StepKind>;

/** After an attempt's own timeout, how long the watchdog alarm waits before declaring the attempt lost. */
export const WATCHDOG_GRACE_MS = 2_000;

export interface StepState {
	name: string;
	kind: StepKind;
	status: StepStatus;
	attempts: number;
	idempotencyKey: string | null;
	lastError: StepFailure | null;
	/** True once any attempt ended with an unknown outcome: the effect may exist. */
	outcomeUnknown: boolean;
	nextAttemptAt: number | null;
	startedAt: number | null;
	finishedAt: number | null;
	/** Set while an attempt is under way: when it times out. */
	inFlightUntil: number | null;
	result?: Json;
	deadline?: number;
	remindAt?: number;
	reminded: boolean;
}

/**
 * A workflow's state, folded from its journal. Nothing here is stored on its own:
 * it is rebuilt from the entries when the object starts, then kept current entry by entry.
 */
export class WorkflowState {
	workflowId = "";
	input: Json = null;
	createdAt = 0;
	updatedAt = 0;
	compensation: WorkflowFailure | null = null;
	finished: {
		status: "completed" | "compensated" | "needs_attention";
		failure: WorkflowFailure | null;
	} | null = null;
	readonly steps = new Map<string, StepState>();

	constructor(entries: Iterable<JournalEntry> = []) {
		for (const entry of entries) this.apply(entry);
	}

	get started(): boolean {
		return this.createdAt > 0;
	}

	apply(entry: JournalEntry): void {
		this.updatedAt = entry.at;
		switch (entry.type) {
			case "workflow_started":
				this.workflowId = entry.workflowId;
				this.input = entry.input;
				this.createdAt = entry.at;
				return;
			case "step_started":
				Object.assign(this.step(entry.step), {
					status: "running",
					attempts: entry.attempt,
					idempotencyKey: entry.idempotencyKey,
					nextAttemptAt: null,
					inFlightUntil: entry.timeoutAt,
				});
				this.step(entry.step).startedAt ??= entry.at;
				return;
			case "step_succeeded":
				Object.assign(this.step(entry.step), {
					status: "succeeded",
					result: entry.result,
					finishedAt: entry.at,
					inFlightUntil: null,
				});
				return;
			case "step_failed": {
				const step = this.step(entry.step);
				Object.assign(step, {
					status: entry.retryAt === null ? "failed" : "retrying",
					lastError: entry.error,
					nextAttemptAt: entry.retryAt,
					inFlightUntil: null,
					finishedAt: entry.retryAt === null ? entry.at : null,
				});
				// A refusal under the same idempotency key is definitive: the effect does not exist.
				// Anything else leaves an earlier unknown outcome unknown.
				if (entry.error.kind === "unknown_outcome") step.outcomeUnknown = true;
				if (entry.error.kind === "permanent") step.outcomeUnknown = false;
				return;
			}
			case "event_waiting":
				Object.assign(this.step(entry.step, "event"), {
					status: "waiting",
					deadline: entry.deadline,
					remindAt: entry.remindAt,
				});
				this.step(entry.step).startedAt ??= entry.at;
				return;
			case "event_reminder":
				this.step(entry.step, "event").reminded = true;
				return;
			case "event_received":
				Object.assign(this.step(entry.step, "event"), {
					status: "succeeded",
					result: entry.payload,
					finishedAt: entry.at,
				});
				return;
			case "compensation_started":
				this.compensation = entry.failure;
				return;
			case "workflow_finished":
				this.finished = { status: entry.status, failure: entry.failure };
				return;
		}
	}

	private step(name: string, kind?: StepKind): StepState {
		let step = this.steps.get(name);
		if (!step) {
			step = {
				name,
				kind: kind ?? (name.endsWith(undoStepName("")) ? "undo" : "action"),
				status: "running",
				attempts: 0,
				idempotencyKey: null,
				lastError: null,
				outcomeUnknown: false,
				nextAttemptAt: null,
				startedAt: null,
				finishedAt: null,
				inFlightUntil: null,
				reminded: false,
			};
			this.steps.set(name, step);
		}
		return step;
	}

	get status(): WorkflowStatus {
		if (this.finished) return this.finished.status;
		if (this.compensation) return "compensating";
		return this.current?.status === "waiting" ? "waiting" : "running";
	}

	/** The step the workflow is on: the latest one not yet settled. */
	get current(): StepState | undefined {
		return [...this.steps.values()].findLast((s) => s.status !== "succeeded" && s.status !== "failed");
	}

	/** The failure to report: what ended the workflow, or what it is compensating for. */
	get failure(): WorkflowFailure | null {
		return this.finished?.failure ?? this.compensation;
	}

	/** The earliest time something is due: a retry, a reminder, a deadline, or the watchdog of an attempt in flight. */
	get nextWakeAt(): number | null {
		if (this.finished) return null;
		let next: number | null = null;
		const consider = (at: number | null | undefined) => {
			if (at != null && (next === null || at < next)) next = at;
		};
		for (const step of this.steps.values()) {
			if (step.status === "running" && step.inFlightUntil !== null) consider(step.inFlightUntil + WATCHDOG_GRACE_MS);
			if (step.status === "retrying") consider(step.nextAttemptAt);
			if (step.status === "waiting") consider(step.reminded ? step.deadline : step.remindAt);
		}
		return next;
	}
}
