import type { JournalEntry, OperatorAction } from "../engine/events";
import { UNKNOWN_DOWNSTREAM_CODE, WORDED_BY_WORKFLOW } from "./failure-codes";
import type { OrderView } from "./personal-data";

/**
 * Who reads a status or a history: a client sees failure codes and neutral messages, and nothing an
 * operator wrote or who they are; an operator, the details.
 */
export type Audience = "client" | "operator";

/** What a client is told of a failure: its code in plain words, never a downstream's URL or answer. */
export function neutralMessage(step: string, code: string): string {
	if (code === "outcome_unknown") return `${step} may have taken effect; the order is with a person`;
	if (code === "cancelled") return "the order was cancelled";
	return `${step} failed (${code})`;
}

/**
 * A failure's code as a client may read it. Journals of this version hold only known codes (see
 * failure-codes.ts); one written before may hold a downstream's raw code (a URL, 300 KB), which no
 * client reads.
 */
const publicCode = (code: string) => (/^[a-z][a-z0-9_]{0,63}$/.test(code) ? code : UNKNOWN_DOWNSTREAM_CODE);

export const told = <T extends { code: string; message: string } | null>(
	audience: Audience,
	step: string,
	failure: T,
): T => {
	if (!failure || audience !== "client" || WORDED_BY_WORKFLOW.has(failure.code)) return failure;
	const code = publicCode(failure.code);
	return { ...failure, code, message: neutralMessage(step, code) };
};

/** What an operator did, in a client's words: the action, never the operator's key name or note. */
const DONE_BY_OPERATOR = {
	cancel: "an operator cancelled the order",
	retry: "an operator retried the order",
	resolve: "an operator resolved the order",
	pause: "an operator paused the order",
	resume: "an operator resumed the order",
	terminate: "an operator ended the order as settled outside the system",
} satisfies Record<OperatorAction, string>;

/** Audit actors are `<role>:...` (see actorOf in the API): a client's own action is its own to read. */
const byOperator = (actor: string) => actor.startsWith("operator:");

/** Who paused an order and why, as the audience may read it: a client learns only that an operator did. */
export const toldPause = (pause: { actor: string; reason: string }, audience: Audience) =>
	audience === "client" && byOperator(pause.actor) ? { actor: "operator", reason: DONE_BY_OPERATOR.pause } : pause;

/**
 * One journal entry as the audience may read it: a client's failures carry known codes and neutral
 * messages, a hold and an operator's action say what happened but not an operator's note or name,
 * and the order placed shows its personal data (or "[erased]") from where it is kept apart.
 */
export function tellable(entry: JournalEntry, order: OrderView, audience: Audience): JournalEntry {
	switch (entry.type) {
		case "workflow_started":
			return { ...entry, input: order };
		// Why a downstream is held is the operators' business (a pause carries an operator's note and name).
		case "step_held":
			return audience === "client" ? { ...entry, reason: `${entry.downstream} is temporarily unavailable` } : entry;
		case "operator_action":
			return audience === "client" && byOperator(entry.actor)
				? { ...entry, actor: "operator", reason: DONE_BY_OPERATOR[entry.action] }
				: entry;
		case "step_failed":
			return { ...entry, error: told(audience, entry.step, entry.error) };
		case "step_verified":
			return entry.error ? { ...entry, error: told(audience, entry.step, entry.error) } : entry;
		case "step_stuck":
			return entry;
		case "compensation_started":
			return { ...entry, failure: told(audience, entry.failure.step, entry.failure) };
		case "workflow_finished":
			return { ...entry, failure: entry.failure && told(audience, entry.failure.step, entry.failure) };
		default:
			return entry;
	}
}
