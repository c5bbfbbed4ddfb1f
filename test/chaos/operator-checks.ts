import type { Observation, Violation } from "./case";

const v = (invariant: string, message: string): Violation => ({ invariant, message });

/** What ends an operator's pause: a resume, a cancel (the customer's undo goes ahead), a terminate, or the end. */
const ENDS_PAUSE = new Set<string>(["resume", "cancel", "terminate"]);

/**
 * (operator-holds) While an operator's pause stands, no attempt starts: a paused order calls no
 * downstream (an attempt already in flight may still answer). Once an operator terminated the order,
 * nothing starts, nothing is compensated and it does not finish again. A question about a doubt is
 * journaled only once answered, so the journal cannot tell one asked in a pause from one in flight
 * at it: the attempts are what is checked.
 */
export const operatorHolds = ({ history }: Observation): Violation[] => {
	const out: Violation[] = [];
	let paused = false;
	let terminated = false;
	for (const entry of history) {
		if (entry.type === "operator_action") {
			if (entry.action === "pause" && !terminated) paused = true;
			if (ENDS_PAUSE.has(entry.action)) paused = false;
			if (entry.action === "terminate") terminated = true;
			continue;
		}
		if (entry.type === "workflow_finished") paused = false;
		if (paused && entry.type === "step_started")
			out.push(v("paused-calls-nothing", `#${entry.seq} ${entry.step} attempt ${entry.attempt} started while paused`));
		if (!terminated) continue;
		if (entry.type === "step_started")
			out.push(v("terminated-stays", `#${entry.seq} ${entry.step} attempt ${entry.attempt} started after terminate`));
		if (entry.type === "compensation_started" || entry.type === "workflow_finished")
			out.push(v("terminated-stays", `#${entry.seq} ${entry.type} after terminate`));
	}
	return out;
};
