import { DEFAULT_RETRY_POLICY } from "../../src/engine/retry-policy";
import type { HistoryEntry } from "./case";

/** One step's attempts as the journal tells them, for comparison with the requests the sandbox saw. */
export interface Attempts {
	/** `step_started` entries: intents written before each call left. */
	started: number;
	/** Attempts that got an answer from the service: a success, a retryable error or a refusal. */
	answered: number;
	/** Attempts whose outcome is unknown: timed out, or cut off by a crash (`attempt_lost`). */
	unknown: number;
	/** 1 if the last attempt has no outcome yet. */
	open: number;
	/** Journal shapes that should never happen, in words. */
	problems: string[];
}

/**
 * Walks the journal pairing each `step_started` with the outcome that closes it. A `step_failed` that
 * closes no open attempt (a cancel halting a step between attempts, a missed deadline) is not an attempt.
 * Every step of the order workflow runs with the default policy, so its budget is maxAttempts; a
 * redrive (`operator_action` retry naming the step) opens a fresh budget, and a breaker's probe that
 * failed is not charged to it. A held step makes no attempt until it is released (or given up).
 */
export function attemptsOf(history: readonly HistoryEntry[], step: string): Attempts {
	const out: Attempts = { started: 0, answered: 0, unknown: 0, open: 0, problems: [] };
	let open: number | null = null;
	let last = 0;
	let budget = 0;
	let succeeded = false;
	let held = false;
	/** While held: when the hold may end the step (null for an undo: never). */
	let holdUntil: string | null = null;
	for (const entry of history) {
		if (entry.type === "operator_action" && entry.action === "retry" && entry.steps.includes(step)) budget = 0;
		if (!("step" in entry) || entry.step !== step) continue;
		if (entry.type === "step_held") {
			if (open !== null) out.problems.push(`held while attempt #${open} was still open`);
			held = true;
			holdUntil = entry.until;
		} else if (entry.type === "step_released") held = false;
		else if (entry.type === "step_started") {
			const n = entry.attempt;
			if (held) out.problems.push(`attempt #${n} started while the step was held`);
			if (succeeded) out.problems.push(`attempt #${n} started after the step had succeeded`);
			if (open !== null) out.problems.push(`attempt #${n} started while #${open} was still open`);
			if (n !== last + 1) out.problems.push(`attempt #${n} follows #${last}`);
			if (++budget > DEFAULT_RETRY_POLICY.maxAttempts)
				out.problems.push(`attempt #${n} is beyond the budget of ${DEFAULT_RETRY_POLICY.maxAttempts}`);
			out.started++;
			last = n;
			open = n;
		} else if (entry.type === "step_succeeded") {
			if (open === null) out.problems.push("succeeded with no attempt under way");
			else out.answered++;
			open = null;
			succeeded = true;
		} else if (entry.type === "step_failed" && held) {
			held = false;
			const code = entry.error.code;
			if (code !== "downstream_unavailable" && code !== "cancelled")
				out.problems.push(`a held step failed with ${code}, not for its hold or a cancel`);
			if (code === "downstream_unavailable" && (holdUntil === null || Date.parse(entry.at) < Date.parse(holdUntil)))
				out.problems.push(`given up at ${entry.at}, before its hold could end (${holdUntil ?? "never, an undo"})`);
		} else if (entry.type === "step_failed" && open !== null && entry.attempt === open) {
			if (entry.probe) budget--;
			if (entry.error.kind === "unknown_outcome") out.unknown++;
			else out.answered++;
			open = null;
		}
	}
	out.open = open === null ? 0 : 1;
	return out;
}
