import type { JournalEntry, JournalEvent, OperatorAction, RetryMode } from "./events";
import { Holds } from "./gate";
import type { Delivery, EngineOptions } from "./host";
import { planDelivery, planRelease } from "./inbound";
import { Notifier } from "./notifier";
import { type ActionRequest, type ActionResult, planAction } from "./operator";
import { retryPlans } from "./plan";
import { Reporter } from "./reporter";
import { Retention } from "./retention";
import { type RetryPolicy, retryPolicy } from "./retry-policy";
import { runWorkflow } from "./run";
import type { WorkflowState } from "./state";
import { WATCHDOG_GRACE_MS } from "./step-state";
import type { Json } from "./steps";
import { AFTER_FAILED_RUN_MS, type Checkpoint, Store } from "./store";
import { earliest } from "./time";
import type { Usage } from "./usage";
import { newestVersion, workflowOf } from "./versions";

/** Runs one workflow in one Durable Object: lifecycle, run loop, compensation. The journal is the only state; one alarm at its earliest due time drives retries, deadlines and recovery. One run at a time; reads, notifications and index reports never wait for it. */
export class WorkflowEngine<Input> {
	private readonly store: Store;
	private readonly notifier: Notifier;
	private readonly reporter: Reporter;
	private readonly retention: Retention;
	private readonly defaults: RetryPolicy;
	private readonly holds: Holds;
	private running: Promise<void> | null = null;
	/** When the last run began: what was due then and still pending it could not reach (an undo behind a step in doubt); waking for it would spin. */
	private reachedBy = Number.NEGATIVE_INFINITY;
	private again = false;

	constructor(
		storage: DurableObjectStorage,
		private readonly options: EngineOptions<Input>,
	) {
		this.store = new Store(storage, options.clock ?? Date.now, options.random ?? Math.random, options);
		this.defaults = retryPolicy(options.retry);
		this.holds = new Holds(options.gate);
		// After a hand-over, unless a run is under way (it does both): write what was recorded, re-arm the alarm.
		const settled = async () => {
			if (this.running) return;
			this.store.flush();
			await this.settleAlarm();
		};
		this.notifier = new Notifier(this.store, options.notify, this.defaults, settled);
		this.reporter = new Reporter(this.store, options.report, this.defaults, settled, this.nextDueAt);
		this.retention = new Retention(this.store, options.retention);
		// A notification goes out as soon as the entry behind it is durable, while the run goes on.
		this.store.afterFlush = () => this.notifier.kick();
	}

	/** Crash-injection seam for tests; unset, and so inert, in production. */
	set onCheckpoint(hook: ((point: Checkpoint) => void) | undefined) {
		this.store.onCheckpoint = hook;
	}
	get state(): WorkflowState {
		return this.store.state;
	}

	/** What the workflow has cost in billing units; the host counts the requests it serves (RPC calls, alarms). */
	get usage(): Usage {
		return this.store.usage;
	}

	/** The journal position that is in storage: a projection records it, so a late report never overwrites a newer one. */
	get durableVersion(): number {
		return this.store.durableVersion;
	}

	/** When the engine next needs its alarm: the journal's due times, hand-overs owed, the erasure. The alarm may be earlier (Alarm.settle). */
	readonly dueAt = (): number | null =>
		earliest([this.nextDueAt(), this.notifier.dueAt, this.reporter.dueAt, this.retention.dueAt]);

	/** Once only the data's erasure is left, the alarm moves there: the one write a kept alarm's early wake would make, less the wake. */
	private settleAlarm(): Promise<void> {
		const owed = earliest([this.nextDueAt(), this.notifier.dueAt, this.reporter.dueAt]);
		const onlyErasure = this.state.finished !== null && owed === null && this.retention.dueAt !== null;
		return this.store.alarm.settle(this.dueAt(), this.store.now(), onlyErasure);
	}

	/** The workflow's next retry, deadline or recheck: what an index shows, so a sweeper nudges only an order whose alarm was lost. */
	readonly nextDueAt = (): number | null => this.state.nextWakeAfter(this.reachedBy);

	/** The alarm as this instance knows it (undefined: not read yet): what a test watching it reads without a storage round trip. */
	get alarmKnown(): number | null | undefined {
		return this.store.alarm.known;
	}

	/** True while a run, a notification hand-over, an index report or a report to a breaker is under way. */
	get busy(): boolean {
		return this.running !== null || this.notifier.busy || this.reporter.busy || this.holds.busy;
	}

	/** Writes what is recorded but not yet in storage: an answer about it then waits until it is durable. */
	persist(): void {
		this.store.flush();
	}

	history(): JournalEntry[] {
		return this.store.history();
	}

	/** Starts the workflow once; false if it already exists. */
	async start(workflowId: string, input: Json): Promise<boolean> {
		if (this.state.started) return false;
		await this.accept({ type: "workflow_started", workflowId, input, version: newestVersion(this.options.workflows) });
		return true;
	}

	/**
	 * Records an event from outside (a human step's callback; see inbound.ts): a redelivery has no second
	 * effect; the point-of-no-return event commits the workflow once accepted, so a cancel after it is refused.
	 */
	async deliver(name: string, payload: Json): Promise<Delivery> {
		const workflow = this.options.workflows[this.state.workflowVersion];
		const plan = planDelivery(this.state, name, payload, this.store.now(), workflow);
		// The first delivery may not be in storage yet: a duplicate is answered only once it is.
		if (plan.delivery === "duplicate") this.store.flush();
		// A late one lets the run record the missed deadline now rather than at the alarm.
		if (plan.late) this.kick();
		if (plan.events.length > 0) await this.accept(...plan.events);
		return plan.delivery;
	}

	/**
	 * Acts on a person's behalf (see OperatorAction); the request lands in the journal as an audit entry.
	 * A dry run only says whether it is allowed and which steps it concerns; a retry's, both ways it can go.
	 */
	async act(action: OperatorAction, request: ActionRequest, dryRun = false, mode?: RetryMode): Promise<ActionResult> {
		if (dryRun) {
			const plan = planAction(this.state, action, null);
			if (action !== "retry" || plan.outcome !== "accepted") return plan;
			const workflow = workflowOf(this.options.workflows, this.state.workflowVersion);
			return { ...plan, plans: await retryPlans(workflow, this.options.parseInput(this.state.input), this.state) };
		}
		const plan = planAction(this.state, action, request.requestKey, mode);
		// The earlier request may not be in storage yet: answer only once it is.
		if (plan.outcome === "repeated") this.store.flush();
		if (plan.outcome !== "accepted") return plan;
		const forward = action === "retry" && mode === "forward" ? { mode } : {};
		await this.accept({ type: "operator_action", action, ...request, steps: plan.steps, ...forward });
		return plan;
	}

	/**
	 * The downstream let the workflow go (its probe, or it closed or was resumed): every step it holds
	 * goes on from `notBefore` (its slot in a release wave), or, for the probe, only the step a run reaches
	 * first. A step still asking when the release comes goes ahead when its answer does. False: nothing
	 * of the workflow waits for that downstream, and the breaker may forget it.
	 */
	async release(downstream: string, probe: boolean, notBefore?: number): Promise<boolean> {
		const released = planRelease(this.state, downstream, probe, notBefore, this.store.now());
		if (released.length === 0) return !this.state.finished && this.holds.releaseAsking(downstream, probe);
		await this.accept(...released);
		return true;
	}

	/** The alarm handler: whatever is due by the clock runs now. */
	async alarm(): Promise<void> {
		this.store.alarm.delivered();
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
	 * Takes events from outside and resumes the workflow at once; the alarm is armed first, so a crash after
	 * the answer still resumes. An idle run writes them with its next step's intent, in one row; the answer
	 * waits for that write, registered before the run starts, so the run knows an answer waits on it.
	 */
	private async accept(...events: JournalEvent[]): Promise<void> {
		for (const event of events) this.store.append(event);
		await this.store.alarm.setBy(this.store.now() + this.defaults.attemptTimeoutMs + WATCHDOG_GRACE_MS);
		// A run under way may be waiting on a slow call: write the events now rather than after it.
		if (this.running) this.store.flush();
		const durable = this.store.flushed();
		this.kick();
		await durable;
	}

	/** Starts a run without waiting for it; a failure is logged and the alarm retries. */
	private kick(): void {
		this.wake().catch((error) => console.error("workflow run failed; the alarm will retry", error));
	}

	private async loop(): Promise<void> {
		try {
			do {
				this.again = false;
				const began = this.store.now();
				try {
					await runWorkflow(this.store, this.options, this.defaults, this.holds);
					this.reachedBy = began;
					this.retention.eraseIfDue();
				} finally {
					this.store.flush();
				}
				this.reporter.kick();
				this.notifier.kick();
			} while (this.again);
			await this.settleAlarm();
		} catch (error) {
			// Storage failed under the run; memory was rebuilt from storage. Come back soon, by our own alarm.
			await this.store.alarm.setBy(this.store.now() + AFTER_FAILED_RUN_MS).catch(() => undefined);
			throw error;
		}
	}
}
