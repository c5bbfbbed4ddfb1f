import { compensate } from "./compensation";
import { classify, StepFailedForGood, Suspended } from "./errors";
import type { FinalStatus, WorkflowFailure } from "./events";
import type { Holds } from "./gate";
import type { EngineOptions } from "./host";
import type { RetryPolicy } from "./retry-policy";
import { StepContext } from "./step-context";
import { JournalWriteError, type Store } from "./store";
import { UnknownWorkflowVersion, workflowOf } from "./versions";

/**
 * One run of the workflow's code from the top, as far as it can go now: to its end, a compensation,
 * or a person. Storage failing under it is thrown; anything else the code throws needs a person,
 * since replaying the same code would throw again.
 */
export async function runWorkflow<Input>(
	store: Store,
	options: EngineOptions<Input>,
	defaults: RetryPolicy,
	holds: Holds,
): Promise<void> {
	const state = store.state;
	if (!state.started || state.finished) return;
	const workflow = options.workflows[state.workflowVersion];
	const context = new StepContext(store, defaults, holds, workflow?.events);
	try {
		await advance(store, options, context);
	} catch (error) {
		if (error instanceof Suspended) return;
		if (error instanceof JournalWriteError) throw error;
		const step = state.activeStep?.name ?? "workflow";
		const code = error instanceof UnknownWorkflowVersion ? error.code : "workflow_error";
		finish(store, "needs_attention", { step, code, message: classify(error).message });
	}
}

async function advance<Input>(store: Store, options: EngineOptions<Input>, context: StepContext): Promise<void> {
	try {
		const workflow = workflowOf(options.workflows, store.state.workflowVersion);
		await workflow.run(options.parseInput(store.state.input), context);
		finish(store, "completed", null);
	} catch (error) {
		if (!(error instanceof StepFailedForGood)) throw error;
		const failure = { step: error.step, code: error.failure.code, message: error.failure.message };
		// Past the point of no return the outcome stands; the failure is kept for a human.
		if (store.state.committed) finish(store, "completed", failure);
		else {
			const { status, failure: reported } = await compensate(store, context, failure);
			finish(store, status, reported);
		}
	}
}

/** A workflow a person ended while its last call was in flight has its end already: it is not written twice. */
function finish(store: Store, status: FinalStatus, failure: WorkflowFailure | null): void {
	if (!store.state.finished) store.append({ type: "workflow_finished", status, failure });
}
