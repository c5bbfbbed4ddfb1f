import { Alarm } from "./alarm";
import {
	type Json,
	type StepCall,
	StepContext,
	type StepExecutor,
	StepFailedForGood,
	Suspended,
	type WaitOptions,
	type Workflow,
} from "./context";
import { classify, type StepFailure } from "./errors";
import { Journal, type JournalEntry, type JournalEvent, type WorkflowFailure } from "./journal";
import { idempotencyKey, undoStepName } from "./keys";
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, retryPolicy } from "./retry-policy";
import { WATCHDOG_GRACE_MS, WorkflowState } from "./state";
import { emptyUsage, type Usage } from "./usage";

export interface EngineOptions<Input> {
	workflow: Workflow<Input>;
	/** Parses the journaled input back into what the workflow takes. */
	parseInput: (input: Json) => Input;
	/** Default policy of every step; each step may override fields. Default {@link DEFAULT_RETRY_POLICY}. */
	retry?: Partial<RetryPolicy>;
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

/**
 * Runs one workflow inside one Durable Object. The journal in SQLite is the only state; one
 * alarm, set to the earliest due time folded from it, drives retries, deadlines and crash recovery.
 * At most one run is under way at a time; reads never wait for it.
 */
export class WorkflowEngine<Input> implements StepExecutor {
	/** Crash-injection seam for tests; unset, and so inert, in production. */
	onCheckpoint: ((point: Checkpoint) => void) | undefined;
	readonly usage: Usage = emptyUsage();
	private readonly journal: Journal;
	private readonly timer: Alarm;
	private readonly clock: () => number;
	private readonly random: () => number;
	private readonly defaults: RetryPolicy;
	private loaded: WorkflowState | null = null;
	private running: Promise<void> | null = null;
	private again = false;
	/** An alarm's delivery means its scheduled time has come, even if the clock lags (or a test fires it early). */
	private timeFloor = 0;

	constructor(
		storage: DurableObjectStorage,
		private readonly options: EngineOptions<Input>,
	) {
		this.journal = new Journal(storage.sql, this.usage);
		this.timer = new Alarm(storage, this.usage);
		this.clock = options.clock ?? Date.now;
		this.random = options.random ?? Math.random;
		this.defaults = retryPolicy(options.retry);
	}

	get state(): WorkflowState {
		this.loaded ??= new WorkflowState(this.journal.load());
		return this.loaded;
	}

	history(): JournalEntry[] {
		return this.journal.entries();
	}

	now(): number {
		return Math.max(this.clock(), this.timeFloor);
	}

	/** True while a run is under way. */
	get busy(): boolean {
		return this.running !== null;
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
		if (state.finished || state.compensation || waiting?.status === "failed") return "gone";
		if (waiting?.deadline !== undefined && this.now() >= waiting.deadline) {
			this.kick(); // let the run record the missed deadline now rather than at the alarm
			return "gone";
		}
		// An event may arrive before the workflow reaches the wait (a fast warehouse); it is kept for then.
		await this.accept({ type: "event_received", step, payload });
		return "accepted";
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
		} while (this.again);
		await this.timer.set(this.state.nextWakeAt);
	}

	private async runOnce(): Promise<void> {
		const state = this.state;
		if (!state.started || state.finished) return;
		const context = new StepContext(this, this.defaults);
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
	private async compensate(context: StepContext, failure: WorkflowFailure): Promise<void> {
		const state = this.state;
		if (!state.compensation) this.append({ type: "compensation_started", failure });
		let attention: WorkflowFailure | null = null;
		for (const done of context.completed.toReversed()) {
			const name = undoStepName(done.name);
			try {
				await this.attempt(name, done.undo, done.policy);
			} catch (error) {
				if (!(error instanceof StepFailedForGood)) throw error;
				attention ??= { step: name, code: error.failure.code, message: error.failure.message };
			}
		}
		if (!attention && state.steps.get(failure.step)?.outcomeUnknown) {
			attention = {
				step: failure.step,
				code: "outcome_unknown",
				message: `${failure.step} may have taken effect (its last attempt timed out); it has no result to undo`,
			};
		}
		if (attention) this.finish("needs_attention", attention);
		else this.finish("compensated", failure);
	}

	async attempt(name: string, action: (call: StepCall) => Promise<unknown>, policy: RetryPolicy): Promise<Json> {
		const state = this.state;
		const lost = state.steps.get(name);
		if (lost?.status === "running" && lost.inFlightUntil !== null) {
			// Runs are awaited one at a time, so an attempt still open when a run reaches it was cut off by a crash or eviction.
			const error = {
				kind: "unknown_outcome",
				code: "attempt_lost",
				message: "the object restarted during the attempt",
			} as const;
			this.fail(name, lost.attempts, error, policy);
		}
		for (;;) {
			const step = state.steps.get(name);
			if (step?.status === "succeeded") return step.result ?? null;
			if (step?.status === "failed") throw new StepFailedForGood(name, step.lastError ?? unknownFailure);
			if (step?.status === "retrying" && (step.nextAttemptAt ?? 0) > this.now()) throw new Suspended();

			const attempt = (step?.attempts ?? 0) + 1;
			const key = idempotencyKey(state.workflowId, name);
			const timeoutAt = this.now() + policy.attemptTimeoutMs;
			this.append({ type: "step_started", step: name, attempt, idempotencyKey: key, timeoutAt });
			// The intent is durable before the call leaves: the output gate holds the call until this write lands.
			this.flush();
			await this.timer.setBy(timeoutAt + WATCHDOG_GRACE_MS);
			try {
				const firstAttemptAt = state.steps.get(name)?.startedAt ?? timeoutAt;
				const result = await withTimeout(
					action,
					{ idempotencyKey: key, attempt, firstAttemptAt },
					policy.attemptTimeoutMs,
				);
				this.onCheckpoint?.({ at: "returned", step: name, attempt });
				this.append({ type: "step_succeeded", step: name, result: toJson(result) });
			} catch (error) {
				this.fail(name, attempt, classify(error), policy);
			}
		}
	}

	private fail(name: string, attempt: number, failure: StepFailure & { retryAfterMs?: number }, policy: RetryPolicy) {
		const { retryAfterMs, ...error } = failure;
		const final = error.kind === "permanent" || attempt >= policy.maxAttempts;
		const retryAt = final ? null : this.now() + backoffDelay(policy, attempt, this.random, retryAfterMs);
		this.append({ type: "step_failed", step: name, attempt, error, retryAt });
	}

	async waitForEvent(name: string, options: WaitOptions): Promise<Json> {
		const state = this.state;
		let step = state.steps.get(name);
		if (step?.status === "succeeded") return step.result ?? null;
		if (step?.status === "failed") throw new StepFailedForGood(name, step.lastError ?? unknownFailure);
		const now = this.now();
		if (step?.deadline === undefined) {
			const remindAt = now + Math.round(options.timeoutMs * (options.remindAt ?? 0.5));
			this.append({ type: "event_waiting", step: name, deadline: now + options.timeoutMs, remindAt });
			step = state.steps.get(name);
		}
		const { deadline = now, remindAt = now, reminded } = step ?? {};
		if (now >= deadline) {
			const error: StepFailure = {
				kind: "permanent",
				code: options.timeoutCode,
				message: `no ${name} event by the deadline`,
			};
			this.append({ type: "step_failed", step: name, attempt: 0, error, retryAt: null });
			throw new StepFailedForGood(name, error);
		}
		if (!reminded && now >= remindAt) this.append({ type: "event_reminder", step: name, deadline });
		throw new Suspended();
	}

	private finish(status: "completed" | "compensated" | "needs_attention", failure: WorkflowFailure | null): void {
		this.append({ type: "workflow_finished", status, failure });
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

const unknownFailure: StepFailure = { kind: "permanent", code: "unknown", message: "failed" };

function toJson(value: unknown): Json {
	return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

async function withTimeout(
	action: (call: StepCall) => Promise<unknown>,
	call: Omit<StepCall, "signal">,
	timeoutMs: number,
): Promise<unknown> {
	const signal = AbortSignal.timeout(timeoutMs);
	// The race covers an action that ignores its signal: the attempt still ends at its timeout.
	const timedOut = new Promise<never>((_, reject) => {
		signal.addEventListener("abort", () => reject(signal.reason), { once: true });
	});
	return Promise.race([action({ ...call, signal }), timedOut]);
}
