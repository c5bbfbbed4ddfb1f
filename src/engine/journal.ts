import { z } from "zod";
import { JournalEntry, type JournalEvent } from "./events";
import { type JournalRow, type JournalRows, journalRows } from "./journal-rows";
import { Usage } from "./usage";

const JournalEntries = z.array(JournalEntry);

/**
 * A workflow's journal, in its object's storage (journal-rows.ts). Events are buffered and written as
 * one row per transition (a step's result together with the next step's intent), flushed before any
 * call leaves the object. Reading an unknown workflow writes nothing.
 */
export class Journal {
	private pending: JournalEntry[] = [];
	private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
	private nextSeq = 1;
	/** The last entry known to be in storage. */
	private durable = 0;
	private where: JournalRows | null = null;

	constructor(
		private readonly storage: DurableObjectStorage,
		private readonly usage: Usage,
	) {}

	/** Loads the journal when the object starts (or after a failed write), and resumes the usage counters from its last row. */
	load(): JournalEntry[] {
		this.pending = [];
		const rows = this.rows();
		const last = rows.at(-1);
		if (last) {
			const reads = this.usage.rowsRead;
			Object.assign(this.usage, Usage.parse(JSON.parse(last.usage)));
			this.usage.rowsRead += reads;
		}
		const entries = this.parse(rows);
		this.durable = entries.at(-1)?.seq ?? 0;
		this.nextSeq = this.durable + 1;
		return entries;
	}

	/** The position of the last entry in storage; entries appended since may still be lost. */
	get durableSeq(): number {
		return this.durable;
	}

	/** Every durable entry, oldest first. */
	entries(): JournalEntry[] {
		return this.parse(this.rows());
	}

	private rows(): JournalRow[] {
		this.where ??= journalRows(this.storage, this.usage);
		return this.where.read();
	}

	/** Stored state is validated on read like any other input. */
	private parse(rows: JournalRow[]): JournalEntry[] {
		return rows.flatMap((row) => JournalEntries.parse(JSON.parse(row.events)));
	}

	/** Buffers an event; it becomes durable at the next {@link flush}. */
	append(at: number, event: JournalEvent): JournalEntry {
		const entry = { seq: this.nextSeq++, at, ...event };
		this.pending.push(entry);
		return entry;
	}

	/**
	 * Writes the buffered events as one row; returns them (none if nothing was pending). A write that
	 * throws drops the buffer and fails everyone waiting on it: the caller reloads from storage.
	 */
	flush(): JournalEntry[] {
		const entries = this.pending;
		if (entries.length === 0) return entries;
		this.pending = [];
		const waiting = this.waiting.splice(0);
		try {
			this.where ??= journalRows(this.storage, this.usage);
			this.where.write(entries[0]?.seq ?? 0, { events: JSON.stringify(entries), usage: JSON.stringify(this.usage) });
		} catch (error) {
			for (const waiter of waiting) waiter.reject(error);
			throw error;
		}
		this.durable = entries.at(-1)?.seq ?? this.durable;
		for (const waiter of waiting) waiter.resolve();
		return entries;
	}

	/** Whether someone waits for what is buffered to be written (an answer to a request). */
	get awaited(): boolean {
		return this.waiting.length > 0;
	}

	/** Resolves once everything buffered so far is written; rejects if that write fails. */
	flushed(): Promise<void> {
		if (this.pending.length === 0) return Promise.resolve();
		return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
	}
}
