import { z } from "zod";
import type { Json } from "./context";
import type { StepFailure } from "./errors";
import type { FinalStatus, JournalEntry, WorkflowFailure } from "./journal";
import { undoStepName } from "./keys";
import { type Notification, notificationId } from "./outbox";

export const WorkflowStatus = z.enum([
	"running",
	"waiting",
	"completed",
	"compensating",
	"compensated",
	"cancelled",
	"needs_attention",
	"resolved",
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
	/** Attempts made before the last redrive: the policy's budget counts from here. */
	budgetBase: number;
	idempotencyKey: string | null;
	lastError: StepFailure | null;
	/** True while an earlier attempt may have taken effect and no definitive answer has come since. */
	outcomeUnknown: boolean;
	nextAttemptAt: number | null;
	startedAt: number | null;
	finishedAt: number | null;
	/** Set while an attempt is under way: when it times out. */
	inFlightUntil: number | null;
	/** When the step counts as stuck; null once reported, or for steps without an SLA. */
	stuckAt: number | null;
	result?: Json;
	deadline?: number;
	remindAt?: number;
	reminded: boolean;
}

interface Finished {
	status: FinalStatus;
	failure: WorkflowFailure | null;
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
	/** The position of the last entry applied: grows with every change. */
	version = 0;
	/** Past the point of no return: failures are recorded, not compensated, and cancelling is too late. */
	committed = false;
	cancellation: { actor: string; reason: string } | null = null;
	compensation: WorkflowFailure | null = null;
	finished: Finished | null = null;
	/** The notification id of the needs-attention episode still open, if any. */
	openEpisode: string | null = null;
	readonly steps = new Map<string, StepState>();
	/** Notifications not yet handed over for delivery. */
	readonly outbox = new Map<string, Notification>();
	/** Operator requests by their idempotency key. */
	readonly requests = new Set<string>();

	constructor(entries: Iterable<JournalEntry> = []) {
		for (const entry of entries) this.apply(entry);
	}

	get started(): boolean {
		return this.createdAt > 0;
	}

	apply(entry: JournalEntry): void {
		this.updatedAt = entry.at;
		this.version = entry.seq;
		const id = notificationId(this.workflowId, entry.seq);
		switch (entry.type) {
			case "workflow_started":
				this.workflowId = entry.workflowId;
				this.input = entry.input;
				this.createdAt = entry.at;
				return;
			case "step_started": {
				const step = this.step(entry.step);
				Object.assign(step, {
					status: "running",
					attempts: entry.attempt,
					idempotencyKey: entry.idempotencyKey,
					nextAttemptAt: null,
					inFlightUntil: entry.timeoutAt,
				});
				step.startedAt ??= entry.at;
				if (entry.stuckAt !== undefined) step.stuckAt = entry.stuckAt;
				return;
			}
			case "step_succeeded":
				Object.assign(this.step(entry.step), {
					status: "succeeded",
					result: entry.result,
					finishedAt: entry.at,
					inFlightUntil: null,
					stuckAt: null,
					outcomeUnknown: false,
				});
				return;
			case "step_failed": {
				const step = this.step(entry.step);
				const final = entry.retryAt === null;
				Object.assign(step, {
					status: final ? "failed" : "retrying",
					lastError: entry.error,
					nextAttemptAt: entry.retryAt,
					inFlightUntil: null,
					finishedAt: final ? entry.at : null,
				});
				if (final) step.stuckAt = null;
				// Only a success settles an unknown outcome: a later refusal (a 409 "key in use" while the first
				// request still runs, a cancel) says nothing about whether the first attempt took effect.
				if (entry.error.kind === "unknown_outcome") step.outcomeUnknown = true;
				return;
			}
			case "step_stuck": {
				const step = this.step(entry.step);
				step.stuckAt = null;
				this.outbox.set(id, {
					kind: "step_stuck",
					id,
					workflowId: this.workflowId,
					at: entry.at,
					step: entry.step,
					since: entry.since,
					attempts: entry.attempts,
					lastError: step.lastError,
				});
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
				this.outbox.set(id, {
					kind: "reminder",
					id,
					workflowId: this.workflowId,
					at: entry.at,
					step: entry.step,
					deadline: entry.deadline,
				});
				return;
			case "event_received":
				Object.assign(this.step(entry.step, "event"), {
					status: "succeeded",
					result: entry.payload,
					finishedAt: entry.at,
				});
				return;
			case "point_of_no_return":
				this.committed = true;
				return;
			case "compensation_started":
				this.compensation = entry.failure;
				return;
			case "workflow_finished":
				this.finished = { status: entry.status, failure: entry.failure };
				if (this.needsAttention && entry.failure) {
					this.openEpisode = id;
					const attempts = this.steps.get(entry.failure.step)?.attempts ?? 0;
					this.outbox.set(id, {
						kind: "needs_attention",
						id,
						workflowId: this.workflowId,
						at: entry.at,
						failure: entry.failure,
						attempts,
					});
				}
				return;
			case "operator_action":
				if (entry.requestKey) this.requests.add(entry.requestKey);
				if (entry.action === "cancel") this.cancellation = { actor: entry.actor, reason: entry.reason };
				if (entry.action === "resolve") this.finished = { status: "resolved", failure: this.failure };
				if (entry.action === "retry") {
					this.finished = null;
					for (const name of entry.steps) {
						Object.assign(this.step(name), { status: "retrying", nextAttemptAt: entry.at, finishedAt: null });
						this.step(name).budgetBase = this.step(name).attempts;
					}
				}
				if (entry.action !== "cancel" && this.openEpisode) {
					const { actor, reason, action } = entry;
					const episode = this.openEpisode;
					this.outbox.set(id, {
						kind: "attention_closed",
						id,
						workflowId: this.workflowId,
						at: entry.at,
						episode,
						action,
						actor,
						reason,
					});
					this.openEpisode = null;
				}
				return;
			case "notifications_sent":
				for (const sent of entry.ids) this.outbox.delete(sent);
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
				budgetBase: 0,
				idempotencyKey: null,
				lastError: null,
				outcomeUnknown: false,
				nextAttemptAt: null,
				startedAt: null,
				finishedAt: null,
				inFlightUntil: null,
				stuckAt: null,
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

	/** A person must look: the workflow gave up, or a step after the point of no return failed for good. */
	get needsAttention(): boolean {
		const finished = this.finished;
		return finished?.status === "needs_attention" || (finished?.status === "completed" && finished.failure !== null);
	}

	/** The step the workflow is on: the latest one not yet settled. */
	get current(): StepState | undefined {
		return [...this.steps.values()].findLast((s) => s.status !== "succeeded" && s.status !== "failed");
	}

	/** The failure to report: what ended the workflow, or what it is compensating for. */
	get failure(): WorkflowFailure | null {
		return this.finished?.failure ?? this.compensation;
	}

	/**
	 * What a redrive retries with a fresh budget: every step that failed for good, except the one whose
	 * definitive refusal started the compensation (a declined card stays declined).
	 */
	get redriveTargets(): StepState[] {
		return [...this.steps.values()].filter(
			(s) => s.status === "failed" && !(s.name === this.compensation?.step && !s.outcomeUnknown),
		);
	}

	/** The earliest time something is due: a retry, an SLA, a reminder, a deadline, or the watchdog of an attempt in flight. */
	get nextWakeAt(): number | null {
		if (this.finished) return null;
		let next: number | null = null;
		const consider = (at: number | null | undefined) => {
			if (at != null && (next === null || at < next)) next = at;
		};
		for (const step of this.steps.values()) {
			if (step.status === "running" && step.inFlightUntil !== null) consider(step.inFlightUntil + WATCHDOG_GRACE_MS);
			if (step.status === "retrying") consider(step.nextAttemptAt);
			if (step.status === "retrying") consider(step.stuckAt);
			if (step.status === "waiting") consider(step.reminded ? step.deadline : step.remindAt);
		}
		return next;
	}
}
