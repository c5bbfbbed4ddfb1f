import type { OperatorAction, WorkflowStatus } from "./events";
import type { WorkflowState } from "./state";

/** A person's request: who (a key id), why, and an optional idempotency key. */
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
	| "no_attention_needed";

export type ActionResult =
	| { outcome: "accepted" | "repeated"; steps: string[] }
	| { outcome: "not_found" }
	| { outcome: "conflict"; refusal: Refusal; status: WorkflowStatus }
	/** The idempotency key was used before for another action on this workflow. */
	| { outcome: "key_reused"; earlier: OperatorAction };

/**
 * Whether `action` is allowed now and, for a retry, which steps it would run again; changes nothing.
 * With a request key, a repeat of an earlier request is `repeated`, and the key used for another
 * action is `key_reused`.
 */
export function planAction(state: WorkflowState, action: OperatorAction, requestKey: string | null): ActionResult {
	if (!state.started) return { outcome: "not_found" };
	const earlier = requestKey === null ? undefined : state.requests.get(requestKey);
	if (earlier === action) return { outcome: "repeated", steps: [] };
	if (earlier) return { outcome: "key_reused", earlier };
	const refusal = refusalOf(state, action);
	if (refusal) return { outcome: "conflict", refusal, status: state.status };
	return { outcome: "accepted", steps: action === "retry" ? state.redriveTargets.map((s) => s.name) : [] };
}

function refusalOf(state: WorkflowState, action: OperatorAction): Refusal | null {
	if (action !== "cancel") return state.needsAttention ? null : "no_attention_needed";
	if (state.committed) return "past_point_of_no_return";
	if (state.cancellation) return "already_cancelled";
	if (state.finished) return "already_finished";
	if (state.compensation) return "compensating";
	return null;
}
