import { StepFailedForGood } from "./errors";
import type { FinalStatus, WorkflowFailure } from "./events";
import type { StepContext } from "./step-context";
import type { Store } from "./store";

/**
 * Undoes completed steps in reverse; an undo that fails for good does not stop the others. Says how
 * the workflow ends: compensated (or cancelled), or needing attention when an undo failed or the
 * failed step may have taken effect after all.
 */
export async function compensate(
	store: Store,
	context: StepContext,
	cause: WorkflowFailure,
): Promise<{ status: FinalStatus; failure: WorkflowFailure }> {
	const state = store.state;
	if (!state.compensation) store.append({ type: "compensation_started", failure: cause });
	const failure = state.compensation ?? cause;
	let attention: WorkflowFailure | null = null;
	for (const done of context.completed.toReversed()) {
		try {
			await context.undo(done);
		} catch (error) {
			if (!(error instanceof StepFailedForGood)) throw error;
			attention ??= { step: error.step, code: error.failure.code, message: error.failure.message };
		}
	}
	const failed = state.steps.get(failure.step);
	if (!attention && failed?.kind !== "event" && failed?.status === "failed" && failed.outcomeUnknown) {
		attention = {
			step: failure.step,
			code: "outcome_unknown",
			message: `${failure.step} may have taken effect (no definitive answer came); retry to find out and undo it`,
		};
	}
	if (attention) return { status: "needs_attention", failure: attention };
	return { status: state.cancellation ? "cancelled" : "compensated", failure };
}
