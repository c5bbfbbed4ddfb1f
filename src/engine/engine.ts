import { Alarm } from "./alarm";
import { type Json, StepContext, StepFailedForGood, Suspended, type Workflow } from "./context";
import { classify } from "./errors";
import {
	type FinalStatus,
	Journal,
	type JournalEntry,
	type JournalEvent,
	type OperatorAction,
	type WorkflowFailure,
} from "./journal";
import { undoStepName } from "./keys";
import type { Notification } from "./outbox";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryPolicy } from "./retry-policy";
import { WATCHDOG_GRACE_MS, WorkflowState } from "./state";
import { StepRunner } from "./step-runner";
import { emptyUsage, type Usage } from "./usage";

export interface EngineOptions<Input> {
	workflow: Workflow<Input>;
	/** Parses the journaled input back into what the workflow takes. */
	parseInput: (input: Json) => Input;
	/** Default policy of every step; each step may override fields. Default {@link DEFAULT_RETRY_POLICY}. */
	retry?: Partial<RetryPolicy>;
	/** Delivers notifications (needs attention, stuck step, reminder) at least once; throw to have them retried. */
	notify?: (notifications: Notification[]) => Promise<void>;
	/** Told, best effort, whenever the status, current step or failure changes (to keep an index current, say). */
	onChange?: () => void;
	/** Milliseconds since the epoch. Default `Date.now`. */
	clock?: () => number;
	/** Uniform in [0, 1), for jitter. Default `Math.random`. */
	random?: () => number;
}

/** Points where a test may crash the object: after a journal write, or after a call returned but before its result is written. */
export type Checkpoint =
	| { at: "committed"; entries: JournalEntry[] }
	| { at: "returned"; step: string; attempt: number };

/** What happened to an event delivered from outside. */
export type Delivery = "accepted" | "duplicate" | "gone" | "not_found";

/** A person's request: who (a key id), why, and an optional idempotency key. */
export interface ActionRequest {
	actor: string;
	reason: string;
	requestKey: string | null;
}

export type ActionResult =
	| { outcome: "accepted" | "repeated"; steps: string[] }
	| { outcome: "not_found" }
	| { outcome: "conflict"; detail: string };

/** How long to wait before trying failed notifications again, at most, in ms. */
const MAX_NOTIFY_BACKOFF_MS = 60_000;
/** When a hand-over of notifications cut off by a crash is tried again, in ms. */
const NOTIFY_WATCHDOG_MS = 30_000;

const minOf = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));

/**
 * Runs one workflow inside one Durable Object. The journal in SQLite is the only state; one
 * alarm, set to the earliest due time folded from it, drives retries, deadlines and crash recovery.
 * At most one run is under way at a time; reads never wait for it.
 */
export class WorkflowEngine<Input> {
	/** Crash-injection seam for tests; unset, and so inert, in production. */
	onCheckpoint: ((point: Checkpoint) => void) | undefined;
	readonly usage: Usage = emptyUsage();
	private readonly journal: Journal;
	private readonly timer: Alarm;
	private readonly steps: StepRunner;
	private readonly clock: () => number;
	private readonly defaults: RetryPolicy;
	private loaded: WorkflowState | null = null;
	private running: Promise<void> | null = null;
	private again = false;
	/** An alarm's delivery means its scheduled time has come, even if the clock lags (or a test fires it early). */
	private timeFloor = 0;
	private notifyFailures = 0;
	private notifyRetryAt = 0;
	private reported = "";

	constructor(
		storage: DurableObjectStorage,
		private readonly options: EngineOptions<Input>,
	) {
		this.journal = new Journal(storage.sql, this.usage);
		this.timer = new Alarm(storage, this.usage);
		this.clock = options.clock ?? Date.now;
		this.defaults = retryPolicy(options.retry);
		const random = options.random ?? Math.random;
		const engine = this;
		this.steps = new StepRunner({
			get state() {
				return engine.state;
			},
			now: () => this.now(),
			random,
			append: (event) => this.append(event),
			flush: () => this.flush(),
			armBy: (at) => this.timer.setBy(at),
			checkpoint: (point) => this.onCheckpoint?.(point),
		});
	}

	get state(): WorkflowState {
		this.loaded ??= new WorkflowState(this.journal.load());
		return this.loaded;
	}

	/** True while a run is under way. */
	get busy(): boolean {
		return this.running !== null;
	}

	history(): JournalEntry[] {
		return this.journal.entries();
	}

	now(): number {
		return Math.max(this.clock(), this.timeFloor);
	}

	/** Counts a request to the object (RPC call or alarm) in {@link usage}. */
	countRequest(): void {
		this.usage.requests++;
	}

	/** Starts the workflow once; false if it already exists. */
	async start(workflowId: string, input: Json): Promise<boolean> {
		if (this.state.started) return false;
		await this.accept({ type: "workflow_started", workflowId, input });
		return true;
	}

	/** Records an event from outside (a human step's callback); a redelivery has no second effect. */
	async deliver(step: string, payload: Json): Promise<Delivery> {
		const state = this.state;
		if (!state.started) return "not_found";
		const waiting = state.steps.get(step);
		if (waiting?.status === "succeeded") return "duplicate";
		if (state.finished || state.compensation || state.cancellation || waiting?.status === "failed") return "gone";
		if (waiting?.deadline !== undefined && this.now() >= waiting.deadline) {
			this.kick(); // let the run record the missed deadline now rather than at the alarm
			return "gone";
		}
		// An event may arrive before the workflow reaches the wait (a fast warehouse); it is kept for then.
		await this.accept({ type: "event_received", step, payload });
		return "accepted";
	}

	/** Whether `action` is allowed now, and for a retry which steps it would run again; changes nothing. */
	plan(action: OperatorAction): ActionResult {
		const state = this.state;
		if (!state.started) return { outcome: "not_found" };
		const refusal = this.refusal(action);
		if (refusal) return { outcome: "conflict", detail: refusal };
		return { outcome: "accepted", steps: action === "retry" ? state.redriveTargets.map((s) => s.name) : [] };
	}

	/** Cancels, redrives or resolves the workflow on a person's behalf; the request lands in the journal as an audit entry. */
	async act(action: OperatorAction, request: ActionRequest): Promise<ActionResult> {
		if (request.requestKey && this.state.requests.has(request.requestKey)) return { outcome: "repeated", steps: [] };
		const plan = this.plan(action);
		if (plan.outcome !== "accepted") return plan;
		await this.accept({ type: "operator_action", action, ...request, steps: plan.steps });
		return plan;
	}

	private refusal(action: OperatorAction): string | null {
		const state = this.state;
		if (action !== "cancel") {
			return state.needsAttention ? null : `the order is ${state.status} and does not need attention`;
		}
		if (state.committed) return "the order is past the point of no return (the warehouse has picked it)";
		if (state.cancellation) return "the order is already cancelled";
		if (state.finished) return `the order is already ${state.status}`;
		if (state.compensation) return "the order is already being compensated";
		return null;
	}

	/** The alarm handler: whatever is due runs now. */
	async alarm(): Promise<void> {
		const scheduled = this.timer.delivered() ?? this.state.nextWakeAt;
		if (!this.running) this.timeFloor = Math.max(this.timeFloor, scheduled ?? 0);
		await this.wake();
	}

	/** Runs the workflow as far as it can go now; joins the run under way, asking it to go round once more. */
	wake(): Promise<void> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		this.running = this.loop().finally(() => {
			this.running = null;
		});
		return this.running;
	}

	/**
	 * Takes an event from outside and resumes the workflow at once. The alarm is armed first, so a crash
	 * after the answer still resumes. An idle workflow's run writes the event together with its next
	 * step's intent, in one row; the answer waits for that write.
	 */
	private async accept(event: JournalEvent): Promise<void> {
		this.append(event);
		await this.timer.setBy(this.now() + this.defaults.attemptTimeoutMs + WATCHDOG_GRACE_MS);
		// A run under way may be waiting on a slow call: write the event now rather than after it.
		if (this.running) this.flush();
		this.kick();
		await this.journal.flushed();
	}

	/** Starts a run without waiting for it; a failure is logged and the alarm retries. */
	private kick(): void {
		this.wake().catch((error) => console.error("workflow run failed; the alarm will retry", error));
	}

	private async loop(): Promise<void> {
		do {
			this.again = false;
			try {
				await this.runOnce();
			} finally {
				this.flush();
			}
			this.reportChange();
			if (this.state.outbox.size > 0) {
				// The hand-over awaits a queue; a crash meanwhile must still find an alarm for what is due.
				await this.timer.set(minOf(this.state.nextWakeAt, this.now() + NOTIFY_WATCHDOG_MS));
				await this.deliverNotifications();
			}
		} while (this.again);
		await this.timer.set(this.wakeAt());
	}

	private async runOnce(): Promise<void> {
		const state = this.state;
		if (!state.started || state.finished) return;
		const context = new StepContext(this.steps, this.defaults);
		try {
			await this.advance(context);
		} catch (error) {
			if (error instanceof Suspended) return;
			// Not a step's failure: the workflow code itself threw. Retrying replays the same code, so stop and ask a human.
			const step = state.current?.name ?? "workflow";
			this.finish("needs_attention", { step, code: "workflow_error", message: classify(error).message });
		}
	}

	private async advance(context: StepContext): Promise<void> {
		try {
			await this.options.workflow(this.options.parseInput(this.state.input), context);
			this.finish("completed", null);
		} catch (error) {
			if (!(error instanceof StepFailedForGood)) throw error;
			const failure = { step: error.step, code: error.failure.code, message: error.failure.message };
			// Past the point of no return the outcome stands; the failure is kept for a human.
			if (context.committed) this.finish("completed", failure);
			else await this.compensate(context, failure);
		}
	}

	/** Undoes completed steps in reverse. An undo that fails for good does not stop the others. */
	private async compensate(context: StepContext, cause: WorkflowFailure): Promise<void> {
		const state = this.state;
		if (!state.compensation) this.append({ type: "compensation_started", failure: cause });
		const failure = state.compensation ?? cause;
		let attention: WorkflowFailure | null = null;
		for (const done of context.completed.toReversed()) {
			const name = undoStepName(done.name);
			try {
				await this.steps.undo(name, done.undo, done.policy);
			} catch (error) {
				if (!(error instanceof StepFailedForGood)) throw error;
				attention ??= { step: name, code: error.failure.code, message: error.failure.message };
			}
		}
		const failed = state.steps.get(failure.step);
		if (!attention && failed?.status === "failed" && failed.outcomeUnknown) {
			attention = {
				step: failure.step,
				code: "outcome_unknown",
				message: `${failure.step} may have taken effect (its last attempt timed out); retry the order to find out and undo it`,
			};
		}
		if (attention) this.finish("needs_attention", attention);
		else this.finish(state.cancellation ? "cancelled" : "compensated", failure);
	}

	private finish(status: FinalStatus, failure: WorkflowFailure | null): void {
		this.append({ type: "workflow_finished", status, failure });
	}

	/** Hands pending notifications over; on failure, backs off and lets the alarm try again. */
	private async deliverNotifications(): Promise<void> {
		const pending = [...this.state.outbox.values()];
		if (pending.length === 0 || !this.options.notify || this.now() < this.notifyRetryAt) return;
		try {
			await this.options.notify(pending);
			this.notifyFailures = 0;
			this.append({ type: "notifications_sent", ids: pending.map((n) => n.id) });
			this.flush();
		} catch (error) {
			this.notifyFailures++;
			this.notifyRetryAt = this.now() + Math.min(MAX_NOTIFY_BACKOFF_MS, 1000 * 2 ** this.notifyFailures);
			console.error("notifications not delivered; will retry", error);
		}
	}

	/** The next due time, pending notifications included. */
	private wakeAt(): number | null {
		const due = this.state.nextWakeAt;
		if (this.state.outbox.size === 0 || !this.options.notify) return due;
		return minOf(due, Math.max(this.notifyRetryAt, this.now()));
	}

	private reportChange(): void {
		const state = this.state;
		if (!state.started || !this.options.onChange) return;
		const key = `${state.status}|${state.current?.name}|${state.failure?.code}|${state.needsAttention}`;
		if (key === this.reported) return;
		this.reported = key;
		try {
			this.options.onChange();
		} catch (error) {
			console.error("onChange failed", error);
		}
	}

	/** Applies an event to the state now; it becomes durable at the next {@link flush}. */
	private append(event: JournalEvent): void {
		this.state.apply(this.journal.append(this.now(), event));
	}

	private flush(): void {
		const entries = this.journal.flush();
		if (entries.length > 0) this.onCheckpoint?.({ at: "committed", entries });
	}
}
