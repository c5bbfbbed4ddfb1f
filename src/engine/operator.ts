import type { OperatorAction, RetryMode, WorkflowStatus } from "./events";
import { undoStepName } from "./keys";
import { type ForwardRefusal, forwardRefusal, type RetryPlans } from "./plan";
import type { WorkflowState } from "./state";

/** A person's request: who (a key id or a signed-in person), why, and an optional idempotency key. */
export interface ActionRequest {
	actor: string;
	reason: string;
	requestKey: string | null;
}

/** Why an action is not allowed now. */
export type Refusal =
	| "past_point_of_no_return"
	| "already_cancelled"
	| "already_finished"
	| "compensating"
	| "no_attention_needed"
	| ForwardRefusal
	| "already_paused"
	| "not_paused";

export type ActionResult =
	/** `steps`: for a retry, the steps that get a fresh budget; for a terminate, those whose effects stay. `plans`: a retry's dry run. */
	| { outcome: "accepted" | "repeated"; steps: string[]; plans?: RetryPlans }
	| { outcome: "not_found" }
	| { outcome: "conflict"; refusal: Refusal; status: WorkflowStatus }
	/** The idempotency key was used before for another action on this workflow. */
	| { outcome: "key_reused"; earlier: OperatorAction };

/**
 * Whether `action` is allowed now and which steps it concerns; changes nothing. With a request key, a
 * repeat of an earlier request is `repeated`, and the key used for another action is `key_reused`.
 */
export function planAction(
	state: WorkflowState,
	action: OperatorAction,
	requestKey: string | null,
	mode: RetryMode = "compensate",
): ActionResult {
	if (!state.started) return { outcome: "not_found" };
	const earlier = requestKey === null ? undefined : state.requests.get(requestKey);
	if (earlier === action) return { outcome: "repeated", steps: [] };
	if (earlier) return { outcome: "key_reused", earlier };
	const refusal = refusalOf(state, action) ?? (action === "retry" && mode === "forward" ? forwardRefusal(state) : null);
	if (refusal) return { outcome: "conflict", refusal, status: state.status };
	return { outcome: "accepted", steps: stepsOf(state, action) };
}

function stepsOf(state: WorkflowState, action: OperatorAction): string[] {
	if (action === "retry") return state.redriveTargets.map((s) => s.name);
	if (action !== "terminate") return [];
	const undone = (name: string) => state.steps.get(undoStepName(name))?.status === "succeeded";
	return [...state.steps.values()]
		.filter((s) => s.kind === "action" && s.status === "succeeded" && !undone(s.name))
		.map((s) => s.name);
}

function refusalOf(state: WorkflowState, action: OperatorAction): Refusal | null {
	switch (action) {
		case "retry":
		case "resolve":
			return state.needsAttention ? null : "no_attention_needed";
		case "terminate":
			return state.finished && !state.needsAttention ? "already_finished" : null;
		case "pause":
			if (state.finished) return "already_finished";
			return state.paused ? "already_paused" : null;
		case "resume":
			return state.paused ? null : "not_paused";
		case "cancel":
			if (state.committed) return "past_point_of_no_return";
			if (state.cancellation) return "already_cancelled";
			if (state.finished) return "already_finished";
			if (state.compensation) return "compensating";
			return null;
	}
}
