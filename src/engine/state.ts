import * as event from "./event-state";
import type { FinalStatus, JournalEntry, OperatorAction, WorkflowFailure, WorkflowStatus } from "./events";
import * as hold from "./hold-state";
import { type Episode, type Notification, notificationId } from "./outbox";
import type { CallStep, StepState } from "./step-state";
import * as step from "./step-state";
import type { Json } from "./steps";
import { FIRST_VERSION } from "./versions";

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
	/** The workflow version the journal started on; it never changes. */
	workflowVersion = FIRST_VERSION;
	input: Json = null;
	createdAt = 0;
	updatedAt = 0;
	/** The position of the last entry applied: grows with every change. */
	version = 0;
	/** Past the point of no return: failures are recorded, not compensated, and cancelling is too late. */
	committed = false;
	cancellation: { actor: string; reason: string } | null = null;
	/** A person paused the workflow: nothing calls out until they resume it (or it is cancelled or terminated). */
	paused: { actor: string; reason: string; at: number } | null = null;
	compensation: WorkflowFailure | null = null;
	finished: Finished | null = null;
	/** When the workflow came to rest for good: finished, and no person needs to look. Null otherwise. */
	settledAt: number | null = null;
	/** When the host's data apart from the journal was erased, if it was. */
	erasedAt: number | null = null;
	readonly steps = new Map<string, StepState>();
	/** Needs-attention episodes by id; at most one is open, the latest. */
	readonly episodes = new Map<string, Episode>();
	/** Notifications not yet handed over for delivery. */
	readonly outbox = new Map<string, Notification>();
	/** Operator requests by their idempotency key, with the action each asked for. */
	readonly requests = new Map<string, OperatorAction>();

	constructor(entries: Iterable<JournalEntry> = []) {
		for (const entry of entries) this.apply(entry);
	}

	get started(): boolean {
		return this.createdAt > 0;
	}

	apply(entry: JournalEntry): void {
		// Handing notifications over and erasing data are bookkeeping, not changes of the workflow.
		if (entry.type !== "notifications_sent" && entry.type !== "data_erased") this.updatedAt = entry.at;
		this.version = entry.seq;
		if (entry.type === "workflow_started") this.workflowId = entry.workflowId;
		const id = notificationId(this.workflowId, entry.seq);
		const base = { id, workflowId: this.workflowId, at: entry.at };
		const prev = "step" in entry ? this.steps.get(entry.step) : undefined;
		const put = (next: StepState) => this.steps.set(next.name, next);
		switch (entry.type) {
			case "workflow_started":
				this.input = entry.input;
				this.workflowVersion = entry.version ?? FIRST_VERSION;
				this.createdAt = entry.at;
				this.outbox.set(id, { kind: "started", ...base });
				return;
			case "step_started":
				put(step.started(prev, entry));
				return;
			case "step_succeeded":
				put(step.succeeded(prev, entry));
				return;
			case "step_failed":
				put(step.failed(prev, entry));
				return;
			case "step_verified":
				put(step.verified(prev, entry));
				return;
			case "step_stuck": {
				const stuck = step.stuckReported(prev, entry.step);
				put(stuck);
				const { since, attempts } = entry;
				this.outbox.set(id, {
					kind: "step_stuck",
					...base,
					step: entry.step,
					since,
					attempts,
					lastError: stuck.lastError,
				});
				return;
			}
			case "step_held":
				put(hold.held(prev, entry));
				return;
			case "step_released":
				put(hold.released(prev, entry));
				return;
			case "event_waiting":
				put(event.waiting(prev, entry));
				return;
			case "event_reminder":
				put(event.reminded(prev, entry.step));
				this.outbox.set(id, { kind: "reminder", ...base, step: entry.step, deadline: entry.deadline });
				return;
			case "event_received":
				put(event.received(prev, entry));
				return;
			case "point_of_no_return":
				this.committed = true;
				return;
			case "compensation_started":
				this.compensation = entry.failure;
				return;
			case "workflow_finished":
				this.finished = { status: entry.status, failure: entry.failure };
				this.paused = null;
				this.settledAt = this.needsAttention ? null : entry.at;
				if (this.needsAttention && entry.failure) {
					const failed = this.steps.get(entry.failure.step);
					const attempts = failed?.kind === "event" ? 0 : (failed?.attempts ?? 0);
					const episode: Episode = { id, failure: entry.failure, attempts, openedAt: entry.at, closed: null };
					this.episodes.set(id, episode);
					this.outbox.set(id, { kind: "needs_attention", ...base, episode });
				}
				return;
			case "operator_action": {
				const { action, actor, reason } = entry;
				if (entry.requestKey) this.requests.set(entry.requestKey, action);
				// A cancel ends a pause: what was done is undone at once, as a customer is promised.
				if (action === "cancel" || action === "resume") this.paused = null;
				if (action === "pause") this.paused = { actor, reason, at: entry.at };
				if (action === "cancel") this.cancellation = { actor, reason };
				if (action === "cancel" || action === "pause" || action === "resume") return;
				if (action === "resolve" || action === "terminate") {
					this.finished = { status: action === "resolve" ? "resolved" : "terminated", failure: this.failure };
					this.settledAt = entry.at;
					this.paused = null;
				}
				if (action === "retry") {
					this.finished = null;
					this.settledAt = null;
					// Forward: the compensation the failure started is given up, and the workflow carries on.
					if (entry.mode === "forward") this.compensation = null;
					for (const name of entry.steps) put(step.redriven(this.steps.get(name), name, entry.at));
				}
				const open = this.openEpisode;
				if (open) {
					const episode: Episode = { ...open, closed: { at: entry.at, action, actor, reason } };
					this.episodes.set(open.id, episode);
					this.outbox.set(id, { kind: "attention_closed", ...base, episode });
				}
				return;
			}
			case "notifications_sent":
				for (const sent of entry.ids) this.outbox.delete(sent);
				return;
			case "data_erased":
				this.erasedAt = entry.at;
				return;
		}
	}

	get status(): WorkflowStatus {
		if (this.finished) return this.finished.status;
		if (this.compensation) return "compensating";
		return this.activeStep?.status === "waiting" ? "waiting" : "running";
	}

	/** A person must look: the workflow gave up, or a step after the point of no return failed for good. */
	get needsAttention(): boolean {
		const finished = this.finished;
		return finished?.status === "needs_attention" || (finished?.status === "completed" && finished.failure !== null);
	}

	/** The needs-attention episode still open, if any. */
	get openEpisode(): Episode | undefined {
		const latest = [...this.episodes.values()].at(-1);
		return latest?.closed === null ? latest : undefined;
	}

	/**
	 * The steps not yet settled, in the order the journal first named them. Usually one; after a redrive
	 * that reopened several (a step in doubt and the undos behind it, say), each of them.
	 */
	get unsettled(): StepState[] {
		// A step failed in doubt whose service is to be asked again is not settled yet: the answer decides.
		const asking = (s: StepState) => s.kind !== "event" && s.outcomeUnknown && s.verifyRetryAt !== null;
		return [...this.steps.values()].filter((s) => (s.status !== "succeeded" && s.status !== "failed") || asking(s));
	}

	/** The step a run works on first: the earliest one not yet settled. */
	get activeStep(): StepState | undefined {
		return this.unsettled[0];
	}

	/** The steps held by `downstream`'s breaker, in the order a run reaches them. */
	heldBy(downstream: string): CallStep[] {
		return this.unsettled.filter((s): s is CallStep => s.kind !== "event" && s.hold?.downstream === downstream);
	}

	/** The failure to report: what ended the workflow, or what it is compensating for. */
	get failure(): WorkflowFailure | null {
		return this.finished?.failure ?? this.compensation;
	}

	/**
	 * What a redrive retries with a fresh budget: every call step that failed for good, except the one
	 * whose definitive refusal started the compensation (asked again, it would refuse again).
	 */
	get redriveTargets(): CallStep[] {
		return [...this.steps.values()].filter(
			(s): s is CallStep =>
				s.kind !== "event" && s.status === "failed" && !(s.name === this.compensation?.step && !s.outcomeUnknown),
		);
	}

	/** The earliest time something is due: a retry, an SLA, a reminder, a deadline, or the watchdog of an attempt in flight. */
	get nextWakeAt(): number | null {
		return this.nextWakeAfter(Number.NEGATIVE_INFINITY);
	}

	/** The earliest due time later than `after`. */
	nextWakeAfter(after: number): number | null {
		if (this.finished) return null;
		// Paused: nothing calls out, so only an attempt's watchdog and the waits' reminders and deadlines are due.
		const steps = [...this.steps.values()].filter((s) => !this.paused || s.kind === "event" || s.status === "running");
		const due = steps.flatMap(step.dueTimes).filter((at): at is number => at !== null && at > after);
		return due.length > 0 ? Math.min(...due) : null;
	}
}
