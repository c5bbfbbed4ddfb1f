import { z } from "zod";
import type { Json as JsonValue } from "./context";
import { StepFailure } from "./errors";
import { metered, Usage } from "./usage";

// Journal values come from JSON.parse, so any value is JSON; z.json() would be exact but is recursive,
// which the OpenAPI generator cannot render.
const Json = z
	.custom<JsonValue>((value) => value !== undefined)
	.meta({
		description: "Any JSON value",
		type: ["object", "array", "string", "number", "boolean", "null"],
	});
const Step = z.string().min(1);

/** The failure that ended or endangered a workflow, as its status reports it. */
export const WorkflowFailure = z.object({
	step: z.string(),
	code: z.string(),
	message: z.string(),
});
export type WorkflowFailure = z.infer<typeof WorkflowFailure>;

export const FinalStatus = z.enum(["completed", "compensated", "cancelled", "needs_attention", "resolved"]);
export type FinalStatus = z.infer<typeof FinalStatus>;

/** What a person can do to a workflow from outside: stop it, redrive it, or close it as fixed by hand. */
export const OperatorAction = z.enum(["cancel", "retry", "resolve"]);
export type OperatorAction = z.infer<typeof OperatorAction>;

/**
 * Everything that happens to a workflow, in order. The journal is append-only and is the only
 * state the engine keeps: step status, attempts and results are folded from it.
 */
export const JournalEvent = z.discriminatedUnion("type", [
	z.object({ type: z.literal("workflow_started"), workflowId: z.string(), input: Json }),
	/** Written, and durable, before the attempt's call leaves the object. */
	z.object({
		type: z.literal("step_started"),
		step: Step,
		attempt: z.int().positive(),
		idempotencyKey: z.string(),
		timeoutAt: z.number(),
		/** When the step counts as stuck if it has not succeeded (its policy's SLA from the first attempt). */
		stuckAt: z.number().optional(),
	}),
	z.object({ type: z.literal("step_succeeded"), step: Step, result: Json }),
	/** `retryAt` null: the step failed for good. */
	z.object({
		type: z.literal("step_failed"),
		step: Step,
		attempt: z.int().nonnegative(),
		error: StepFailure,
		retryAt: z.number().nullable(),
	}),
	z.object({ type: z.literal("step_stuck"), step: Step, since: z.number(), attempts: z.int() }),
	z.object({ type: z.literal("event_waiting"), step: Step, deadline: z.number(), remindAt: z.number() }),
	z.object({ type: z.literal("event_reminder"), step: Step, deadline: z.number() }),
	z.object({ type: z.literal("event_received"), step: Step, payload: Json }),
	/** From here on a step that fails for good is recorded, never compensated. */
	z.object({ type: z.literal("point_of_no_return") }),
	z.object({ type: z.literal("compensation_started"), failure: WorkflowFailure }),
	z.object({ type: z.literal("workflow_finished"), status: FinalStatus, failure: WorkflowFailure.nullable() }),
	/** The audit trail of a person's action: who (a key id, never a key), why, and for a retry which steps get a fresh budget. */
	z.object({
		type: z.literal("operator_action"),
		action: OperatorAction,
		actor: z.string(),
		reason: z.string(),
		requestKey: z.string().nullable(),
		steps: z.array(Step),
	}),
	/** Notifications (dead letters, alerts) handed over for delivery. */
	z.object({ type: z.literal("notifications_sent"), ids: z.array(z.string()) }),
]);
export type JournalEvent = z.infer<typeof JournalEvent>;

export const JournalEntry = z.intersection(z.object({ seq: z.int(), at: z.number() }), JournalEvent);
export type JournalEntry = z.infer<typeof JournalEntry>;
const JournalEntries = z.array(JournalEntry);

/**
 * The journal's SQLite table. Events are buffered and written as one row per transition (a step's
 * result together with the next step's intent), flushed before any call leaves the object.
 * The table is created on the first write only, so reading an unknown workflow writes nothing.
 */
export class Journal {
	private pending: JournalEntry[] = [];
	private waiting: (() => void)[] = [];
	private nextSeq = 1;
	private created = false;

	constructor(
		private readonly sql: SqlStorage,
		private readonly usage: Usage,
	) {}

	/** Loads the journal when the object starts, and resumes the usage counters from its last row. */
	load(): JournalEntry[] {
		const rows = this.rows();
		const last = rows.at(-1);
		if (last) {
			const reads = this.usage.rowsRead;
			Object.assign(this.usage, Usage.parse(JSON.parse(last.usage)));
			this.usage.rowsRead += reads;
		}
		const entries = this.parse(rows);
		this.nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
		return entries;
	}

	/** Every durable entry, oldest first. */
	entries(): JournalEntry[] {
		return this.parse(this.rows());
	}

	private rows() {
		if (!this.created) {
			const exists = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'");
			if (metered(this.usage, exists).length === 0) return [];
			this.created = true;
		}
		return metered(
			this.usage,
			this.sql.exec<{ events: string; usage: string }>("SELECT events, usage FROM journal ORDER BY seq"),
		);
	}

	/** Stored state is validated on read like any other input. */
	private parse(rows: { events: string }[]): JournalEntry[] {
		return rows.flatMap((row) => JournalEntries.parse(JSON.parse(row.events)));
	}

	/** Buffers an event; it becomes durable at the next {@link flush}. */
	append(at: number, event: JournalEvent): JournalEntry {
		const entry = { seq: this.nextSeq++, at, ...event };
		this.pending.push(entry);
		return entry;
	}

	/** Writes the buffered events as one row; returns them (none if nothing was pending). */
	flush(): JournalEntry[] {
		const entries = this.pending;
		if (entries.length === 0) return entries;
		this.pending = [];
		if (!this.created) {
			metered(
				this.usage,
				this.sql.exec(
					"CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, events TEXT NOT NULL, usage TEXT NOT NULL)",
				),
			);
			this.created = true;
		}
		metered(
			this.usage,
			this.sql.exec(
				"INSERT INTO journal (seq, events, usage) VALUES (?, ?, ?)",
				entries[0]?.seq,
				JSON.stringify(entries),
				JSON.stringify(this.usage),
			),
		);
		for (const resolve of this.waiting.splice(0)) resolve();
		return entries;
	}

	/** Resolves once everything buffered so far is written. */
	flushed(): Promise<void> {
		if (this.pending.length === 0) return Promise.resolve();
		return new Promise((resolve) => this.waiting.push(resolve));
	}
}
