import type { JournalEntry } from "../engine/events";
import type { OrderRef } from "./tenant";

/**
 * What is worth a log line at `info`: how an order ended, a failure (and the retry it gets), a hold,
 * a person's action. Workers Logs bills per event, and a happy order's dozen journal entries would be
 * a dozen events; at `info` it writes one. `debug` writes one per entry.
 */
const AT_INFO = new Set<JournalEntry["type"]>(["workflow_finished", "step_failed", "step_held", "operator_action"]);

/** The log line of a journal entry once it is durable, or null when the level leaves it out. */
export function logLine(ref: OrderRef, entry: JournalEntry, level: "info" | "debug"): Record<string, unknown> | null {
	if (level === "info" && !AT_INFO.has(entry.type)) return null;
	return {
		message: "journal",
		orderId: ref.orderId,
		tenant: ref.tenant,
		seq: entry.seq,
		type: entry.type,
		step: "step" in entry ? entry.step : null,
		attempt: "attempt" in entry ? entry.attempt : null,
		...outcome(entry),
	};
}

/** What a reader of the line needs beside its type: the outcome, the failure's code and its retry, the hold's service. */
function outcome(entry: JournalEntry): Record<string, unknown> {
	switch (entry.type) {
		case "workflow_finished":
			return { status: entry.status, code: entry.failure?.code ?? null };
		case "step_failed":
			return { code: entry.error.code, kind: entry.error.kind, retryAt: entry.retryAt };
		case "step_held":
			return { downstream: entry.downstream };
		case "operator_action":
			return { action: entry.action, actor: entry.actor };
		default:
			return {};
	}
}
