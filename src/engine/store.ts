import { Alarm } from "./alarm";
import type { JournalEntry, JournalEvent } from "./events";
import { Journal } from "./journal";
import { WorkflowState } from "./state";
import { type Observers, type Tracer, untraced } from "./trace";
import { emptyUsage } from "./usage";

/** Points where a test may crash the object or interleave a request; inert in production. */
export type Checkpoint =
	/** A journal row was just written (a crash here loses it, as a crash during the write would). */
	| { at: "committed"; entries: JournalEntry[] }
	/** A step is about to ask its downstream's breaker whether it may call (requests may land meanwhile). */
	| { at: "admitting"; step: string }
	/** An attempt's intent is durable and its call is about to leave. */
	| { at: "calling"; step: string; attempt: number }
	/** A call answered; its result is not written yet. */
	| { at: "returned"; step: string; attempt: number }
	/** Notifications are about to be handed over. */
	| { at: "handing_over"; ids: string[] };

/** After a run failed on storage, when to try again, in ms: soon, but not in a tight loop. */
export const AFTER_FAILED_RUN_MS = 1_000;

/** A journal write failed; memory has been rebuilt from storage. Not the workflow's fault. */
export class JournalWriteError extends Error {
	override name = "JournalWriteError";
}

/**
 * A workflow's durable core, shared by everything that changes it: the journal, the state folded
 * from it, the one alarm, the clock and the source of jitter. Time is an input: nothing here infers
 * "now" from what the journal says is due.
 */
export class Store {
	/** Test seam: called at every {@link Checkpoint}. */
	onCheckpoint: ((point: Checkpoint) => void) | undefined;
	/** Called after every write: what became durable may now be handed over. */
	afterFlush: (() => void) | undefined;
	readonly usage = emptyUsage();
	readonly alarm: Alarm;
	private readonly journal: Journal;
	private loaded: WorkflowState | null = null;

	/** Takes out of a downstream's text what the host must not keep (a customer's personal data). */
	readonly redact: (text: string) => string;

	constructor(
		private readonly storage: DurableObjectStorage,
		readonly now: () => number,
		readonly random: () => number,
		private readonly observers: Observers & { redact?: (text: string) => string } = {},
	) {
		this.redact = observers.redact ?? ((text) => text);
		this.journal = new Journal(storage, this.usage);
		this.alarm = new Alarm(storage, this.usage);
	}

	get state(): WorkflowState {
		this.loaded ??= new WorkflowState(this.journal.load());
		return this.loaded;
	}

	/** The position of the last entry in storage: what an outside projection may record as its version. */
	get durableVersion(): number {
		return this.state.started ? this.journal.durableSeq : 0;
	}

	/** Every durable entry, oldest first. */
	history(): JournalEntry[] {
		return this.journal.entries();
	}

	/** Runs `work` in a span of the host's tracer. */
	trace: Tracer = (name, attributes, work) => (this.observers.trace ?? untraced)(name, attributes, work);

	/** Runs `work` as one storage transaction: if it throws, none of its writes happened. */
	atomically<T>(work: () => T): T {
		return this.storage.transactionSync(work);
	}

	/** Applies an event to the state now; it becomes durable at the next {@link flush}. */
	append(event: JournalEvent): void {
		const state = this.state;
		state.apply(this.journal.append(this.now(), event));
	}

	/** Writes what was appended as one row. If the write fails, memory is rebuilt from storage so it never runs ahead of it. */
	flush(): void {
		let entries: JournalEntry[];
		try {
			entries = this.journal.flush();
		} catch (cause) {
			this.loaded = null;
			throw new JournalWriteError("the journal write failed", { cause });
		}
		if (entries.length === 0) return;
		for (const entry of entries) this.observers.log?.(entry);
		this.checkpoint({ at: "committed", entries });
		this.afterFlush?.();
	}

	/** Resolves once everything appended so far is durable. */
	flushed(): Promise<void> {
		return this.journal.flushed();
	}

	/** Whether an answer waits for what was appended to be durable. */
	get awaited(): boolean {
		return this.journal.awaited;
	}

	checkpoint(point: Checkpoint): void {
		this.onCheckpoint?.(point);
	}
}
