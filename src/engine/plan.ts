import { z } from "zod";
import { anyOf, undoStepName } from "./keys";
import type { WorkflowState } from "./state";
import { asCall, asEvent, type CallStep, StepKind } from "./step-state";
import type { Action, EventArrival, Json, Step, StepOptions, Workflow } from "./steps";

/** Why a workflow cannot be carried on: something was already undone, or its cancel was accepted. */
export const ForwardRefusal = z.enum(["already_undone", "cancel_requested"]);
export type ForwardRefusal = z.infer<typeof ForwardRefusal>;

/** One step a redrive would run, in the order it would run. */
export const PlannedStep = z.object({
	step: z.string(),
	kind: StepKind,
	/**
	 * `ask`: its service is asked about its key (the step's verify); `retry`: sent again under its key
	 * with a fresh budget; `run`: runs for the first time; `wait`: waits for an event from outside.
	 */
	does: z.enum(["ask", "retry", "run", "wait"]),
	/** `applied`: only if the step in doubt took effect after all. */
	onlyIf: z.enum(["applied"]).nullable(),
});
export type PlannedStep = z.infer<typeof PlannedStep>;

export const RetryPlan = z.object({
	/** Why this way is not open now; null when it is. */
	refusal: ForwardRefusal.nullable(),
	steps: z.array(PlannedStep),
});
export type RetryPlan = z.infer<typeof RetryPlan>;

/** Both ways a redrive can go, each with every step it would run, undos included. */
export const RetryPlans = z.object({ forward: RetryPlan, compensate: RetryPlan });
export type RetryPlans = z.infer<typeof RetryPlans>;

export function forwardRefusal(state: WorkflowState): ForwardRefusal | null {
	if (state.cancellation) return "cancel_requested";
	return [...state.steps.values()].some((s) => s.kind === "undo") ? "already_undone" : null;
}

interface Shaped {
	name: string;
	kind: "action" | "event";
	undo: boolean;
	verify: boolean;
}

/** Ends a dry replay where the workflow fails on purpose. */
class Stop extends Error {}

/**
 * A dry replay of the workflow's code: which steps it declares, in order, each with its undo and
 * question, calling nothing. A step that has run gives its journaled result; one that has not gives
 * null, and a wait not yet answered its first alternative: the way the workflow goes when all is well.
 */
class Shape implements Step {
	readonly steps: Shaped[] = [];
	constructor(private readonly state: WorkflowState) {}

	async run<T extends Json>(name: string, _action: Action<T>, options: StepOptions<T> = {}): Promise<T> {
		this.steps.push({ name, kind: "action", undo: options.undo !== undefined, verify: options.verify !== undefined });
		return (asCall(this.state.steps.get(name))?.result ?? null) as T;
	}

	async waitForEvent(name: string): Promise<Json> {
		this.steps.push({ name, kind: "event", undo: false, verify: false });
		return asEvent(this.state.steps.get(name))?.result ?? null;
	}

	async waitForAny(names: readonly string[]): Promise<EventArrival> {
		const name = anyOf(names);
		this.steps.push({ name, kind: "event", undo: false, verify: false });
		const came = asEvent(this.state.steps.get(name));
		return { event: came?.event ?? names[0] ?? name, payload: came?.result ?? null };
	}

	fail(): never {
		throw new Stop();
	}
}

async function shapeOf<Input>(workflow: Workflow<Input>, input: Input, state: WorkflowState): Promise<Shaped[]> {
	const shape = new Shape(state);
	// Code that needs a result the dry replay cannot give ends the plan where it stands.
	await workflow.run(input, shape).catch(() => undefined);
	return shape.steps;
}

const retried = (step: CallStep, shaped: Shaped | undefined): PlannedStep["does"] =>
	step.outcomeUnknown && shaped?.verify ? "ask" : "retry";

/** What a redrive going forward runs: the failed steps again, then every step after them, to the end. */
function forwardSteps(shape: Shaped[], state: WorkflowState): PlannedStep[] {
	return shape.flatMap((shaped): PlannedStep[] => {
		const step = state.steps.get(shaped.name);
		if (step?.status === "succeeded") return [];
		if (shaped.kind === "event") return [{ step: shaped.name, kind: "event", does: "wait", onlyIf: null }];
		const call = asCall(step);
		const does = call ? retried(call, shaped) : "run";
		return [{ step: shaped.name, kind: "action", does, onlyIf: null }];
	});
}

/** What a redrive that undoes runs: the failed steps again, then the undo of everything that took effect, in reverse. */
function compensateSteps(shape: Shaped[], state: WorkflowState): PlannedStep[] {
	// Past the point of no return nothing is undone: the failed steps run again and the workflow goes on.
	if (state.committed) return forwardSteps(shape, state);
	const byName = new Map(shape.map((s) => [s.name, s]));
	const targets = state.redriveTargets;
	const inDoubt = new Set(targets.filter((t) => t.kind === "action" && t.outcomeUnknown).map((t) => t.name));
	const again = targets.map((t) => ({
		step: t.name,
		kind: t.kind,
		does: retried(t, byName.get(t.name)),
		onlyIf: null,
	}));
	const undos = shape.toReversed().flatMap((shaped): PlannedStep[] => {
		const done = state.steps.get(shaped.name)?.status === "succeeded";
		if (!shaped.undo || !(done || inDoubt.has(shaped.name))) return [];
		const undo = asCall(state.steps.get(undoStepName(shaped.name)));
		if (undo?.status === "succeeded") return [];
		const onlyIf = inDoubt.has(shaped.name) ? ("applied" as const) : null;
		return [{ step: undoStepName(shaped.name), kind: "undo", does: undo ? "retry" : "run", onlyIf }];
	});
	// A failed undo is both a target and an undo of its step: it runs once, in the undos' order.
	const undoNames = new Set(undos.map((u) => u.step));
	return [...again.filter((s) => !undoNames.has(s.step)), ...undos];
}

/** Both ways a redrive of this workflow could go now, from a dry replay of its code; changes nothing. */
export async function retryPlans<Input>(
	workflow: Workflow<Input>,
	input: Input,
	state: WorkflowState,
): Promise<RetryPlans> {
	const shape = await shapeOf(workflow, input, state);
	const refusal = forwardRefusal(state);
	return {
		forward: { refusal, steps: refusal ? [] : forwardSteps(shape, state) },
		compensate: { refusal: null, steps: compensateSteps(shape, state) },
	};
}
