import { z } from "zod";
import type { Json as JsonValue } from "./context";
import { StepFailure } from "./errors";

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

export const FinalStatus = z.enum(["completed", "compensated", "needs_attention"]);

/**
 * Everything that happens to a workflow, in order. The journal is append-only and is the only
 * state the engine keeps: step status, attempts and results are folded from it.
 */
export const JournalEvent = z.discriminatedUnion("type", [
	z.object({
		type: z.literal("workflow_started"),
		workflowId: z.string(),
		input: Json,
	}),
	/** Written, and durable, before the attempt's call leaves the object. */
	z.object({
		type: z.literal("step_started"),
		step: Step,
		attempt: z.int().positive(),
		idempotencyKey: z.string(),
		timeoutAt: z.number(),
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
	z.object({
		type: z.literal("event_waiting"),
		step: Step,
		deadline: z.number(),
		remindAt: z.number(),
	}),
	z.object({
		type: z.literal("event_reminder"),
		step: Step,
		deadline: z.number(),
	}),
	z.object({ type: z.literal("event_received"), step: Step, payload: Json }),
	z.object({
		type: z.literal("compensation_started"),
		failure: WorkflowFailure,
	}),
	z.object({
		type: z.literal("workflow_finished"),
		status: FinalStatus,
		failure: WorkflowFailure.nullable(),
	}),
]);
export type JournalEvent = z.infer<typeof JournalEvent>;

export const JournalEntry = z.intersection(z.object({ seq: z.int(), at: z.number() }), JournalEvent);
export type JournalEntry = z.infer<typeof JournalEntry>;

/** The journal's SQLite table. Created on the first write only, so reading an unknown workflow writes nothing. */
export class Journal {
	constructor(private readonly sql: SqlStorage) {}

	exists(): boolean {
		return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'").toArray().length > 0;
	}

	create(): void {
		this.sql.exec(
			"CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)",
		);
	}

	append(at: number, event: JournalEvent): JournalEntry {
		const { seq } = this.sql
			.exec<{ seq: number }>(
				"INSERT INTO journal (at, type, data) VALUES (?, ?, ?) RETURNING seq",
				at,
				event.type,
				JSON.stringify(event),
			)
			.one();
		return { seq, at, ...event };
	}

	/** Every entry, parsed: stored state is validated on read like any other input. */
	readAll(): JournalEntry[] {
		if (!this.exists()) return [];
		return this.sql
			.exec<{ seq: number; at: number; data: string }>("SELECT seq, at, data FROM journal ORDER BY seq")
			.toArray()
			.map((row) =>
				JournalEntry.parse({
					seq: row.seq,
					at: row.at,
					...JSON.parse(row.data),
				}),
			);
	}
}
