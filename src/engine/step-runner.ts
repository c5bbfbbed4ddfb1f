import type { Json, StepCall, StepExecutor, WaitOptions } from "./context";
import { StepFailedForGood, Suspended } from "./context";
import type { Checkpoint } from "./engine";
import { classify, type StepFailure } from "./errors";
import type { JournalEvent } from "./journal";
import { idempotencyKey } from "./keys";
import { backoffDelay, type RetryPolicy } from "./retry-policy";
import { type StepState, WATCHDOG_GRACE_MS, type WorkflowState } from "./state";

/** What the step runner needs from the engine that owns the journal, the clock and the alarm. */
export interface Runtime {
	readonly state: WorkflowState;
	now(): number;
	random(): number;
	append(event: JournalEvent): void;
	flush(): void;
	armBy(at: number): Promise<void>;
	checkpoint(point: Checkpoint): void;
}

/**
 * Attempts steps and waits for events, journaling every attempt, failure and retry. A forward step
 * never starts while the workflow is compensating or cancelled: replay stops there and the engine
 * takes over.
 */
export class StepRunner implements StepExecutor {
	constructor(private readonly runtime: Runtime) {}

	attempt(name: string, action: (call: StepCall) => Promise<unknown>, policy: RetryPolicy): Promise<Json> {
		return this.run(name, action, policy, true);
	}

	/** Compensations run while the workflow is halted; that is what they are for. */
	undo(name: string, action: (call: StepCall) => Promise<unknown>, policy: RetryPolicy): Promise<Json> {
		return this.run(name, action, policy, false);
	}

	private async run(name: string, action: (call: StepCall) => Promise<unknown>, policy: RetryPolicy, forward: boolean) {
		const { state } = this.runtime;
		const lost = state.steps.get(name);
		if (lost?.status === "running" && lost.inFlightUntil !== null) {
			// Runs are awaited one at a time, so an attempt still open when a run reaches it was cut off by a crash or eviction.
			const error = {
				kind: "unknown_outcome",
				code: "attempt_lost",
				message: "the object restarted during the attempt",
			} as const;
			this.fail(lost, lost.attempts, error, policy);
		}
		for (;;) {
			const step = state.steps.get(name);
			if (step?.status === "succeeded") return step.result ?? null;
			if (step?.status === "failed") throw new StepFailedForGood(name, step.lastError ?? unknownFailure);
			if (forward) this.haltIfStopped(name, step);
			if (step?.status === "retrying" && (step.nextAttemptAt ?? 0) > this.runtime.now()) {
				this.reportIfStuck(step);
				throw new Suspended();
			}
			await this.attemptOnce(name, action, policy, step);
		}
	}

	private async attemptOnce(
		name: string,
		action: (call: StepCall) => Promise<unknown>,
		policy: RetryPolicy,
		step?: StepState,
	) {
		const { state } = this.runtime;
		const now = this.runtime.now();
		const attempt = (step?.attempts ?? 0) + 1;
		const idempotency = idempotencyKey(state.workflowId, name);
		const timeoutAt = now + policy.attemptTimeoutMs;
		// The SLA runs from the first attempt of the current budget (a redrive starts a new one).
		const stuckAt = attempt === (step?.budgetBase ?? 0) + 1 ? now + policy.stuckAfterMs : undefined;
		this.runtime.append({ type: "step_started", step: name, attempt, idempotencyKey: idempotency, timeoutAt, stuckAt });
		// The intent is durable before the call leaves: the output gate holds the call until this write lands.
		this.runtime.flush();
		await this.runtime.armBy(timeoutAt + WATCHDOG_GRACE_MS);
		const started = state.steps.get(name);
		try {
			const call = { idempotencyKey: idempotency, attempt, firstAttemptAt: started?.startedAt ?? timeoutAt };
			const result = await withTimeout(action, call, policy.attemptTimeoutMs);
			this.runtime.checkpoint({ at: "returned", step: name, attempt });
			this.runtime.append({ type: "step_succeeded", step: name, result: toJson(result) });
		} catch (error) {
			if (started) this.fail(started, attempt, classify(error), policy);
		}
	}

	private fail(
		step: StepState,
		attempt: number,
		failure: StepFailure & { retryAfterMs?: number },
		policy: RetryPolicy,
	) {
		const { retryAfterMs, ...error } = failure;
		const final = error.kind === "permanent" || attempt - step.budgetBase >= policy.maxAttempts;
		const retryAt = final
			? null
			: this.runtime.now() + backoffDelay(policy, attempt, () => this.runtime.random(), retryAfterMs);
		this.runtime.append({ type: "step_failed", step: step.name, attempt, error, retryAt });
	}

	/** One alert per step and episode, while it keeps retrying past its SLA. */
	private reportIfStuck(step: StepState): void {
		if (step.stuckAt === null || this.runtime.now() < step.stuckAt) return;
		this.runtime.append({
			type: "step_stuck",
			step: step.name,
			since: step.startedAt ?? step.stuckAt,
			attempts: step.attempts,
		});
	}

	/**
	 * A cancelled or compensating workflow starts no new step. A step whose last attempt may have taken
	 * effect keeps trying under its key until it learns the outcome, so compensation can undo it; a
	 * cancelled step with nothing in doubt is given up.
	 */
	private haltIfStopped(name: string, step: StepState | undefined): void {
		const { state } = this.runtime;
		if (step?.outcomeUnknown) return;
		if (state.cancellation) {
			const error: StepFailure = { kind: "permanent", code: "cancelled", message: state.cancellation.reason };
			if (step) this.runtime.append({ type: "step_failed", step: name, attempt: step.attempts, error, retryAt: null });
			throw new StepFailedForGood(name, error);
		}
		const failure = state.compensation;
		if (failure && !step)
			throw new StepFailedForGood(failure.step, { kind: "permanent", code: failure.code, message: failure.message });
	}

	async waitForEvent(name: string, options: WaitOptions): Promise<Json> {
		const { state } = this.runtime;
		let step = state.steps.get(name);
		if (step?.status === "succeeded") return step.result ?? null;
		if (step?.status === "failed") throw new StepFailedForGood(name, step.lastError ?? unknownFailure);
		this.haltIfStopped(name, step);
		const now = this.runtime.now();
		if (step?.deadline === undefined) {
			const remindAt = now + Math.round(options.timeoutMs * (options.remindAt ?? 0.5));
			this.runtime.append({ type: "event_waiting", step: name, deadline: now + options.timeoutMs, remindAt });
			step = state.steps.get(name);
		}
		const { deadline = now, remindAt = now, reminded } = step ?? {};
		if (now >= deadline) {
			const error: StepFailure = {
				kind: "permanent",
				code: options.timeoutCode,
				message: `no ${name} event by the deadline`,
			};
			this.runtime.append({ type: "step_failed", step: name, attempt: 0, error, retryAt: null });
			throw new StepFailedForGood(name, error);
		}
		if (!reminded && now >= remindAt) this.runtime.append({ type: "event_reminder", step: name, deadline });
		throw new Suspended();
	}

	/** Marks the point of no return once; a cancel that came first wins, since nothing is committed yet. */
	commit(): void {
		const { state } = this.runtime;
		if (state.committed) return;
		this.haltIfStopped("point-of-no-return", undefined);
		this.runtime.append({ type: "point_of_no_return" });
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
