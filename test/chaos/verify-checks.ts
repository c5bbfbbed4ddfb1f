import type { HistoryEntry, Observation, Violation } from "./case";

type Check = (obs: Observation) => Violation[];
const v = (invariant: string, message: string): Violation => ({ invariant, message });

/**
 * What a journal entry says about its step's doubt: true, it may have taken effect with no definitive
 * answer (an unknown outcome); false, settled (a success, a definitive refusal, or its service answered
 * applied or absent when asked); undefined, nothing (a retryable failure, a failed question, the rest).
 */
export function doubtAfter(entry: HistoryEntry): boolean | undefined {
	if (entry.type === "step_failed" && entry.error.kind !== "retryable") return entry.error.kind === "unknown_outcome";
	if (entry.type === "step_succeeded") return false;
	if (entry.type === "step_verified" && entry.answer !== "unknown") return false;
	return undefined;
}

/**
 * (answered-doubt) No order is left in doubt when a question was answered: a step still in doubt at the
 * end was never answered applied or absent since its last attempt, and so no order needs a person for it.
 */
export const answeredDoubt: Check = ({ status, history }) => {
	const out: Violation[] = [];
	const doubt = new Map<string, boolean>();
	const answered = new Map<string, string | null>();
	for (const e of history) {
		if (!("step" in e)) continue;
		if (e.type === "step_started") answered.set(e.step, null);
		if (e.type === "step_verified" && e.answer !== "unknown") answered.set(e.step, e.answer);
		const after = doubtAfter(e);
		if (after !== undefined) doubt.set(e.step, after);
	}
	for (const [step, inDoubt] of doubt)
		if (inDoubt && answered.get(step))
			out.push(v("answered-doubt", `${step} is in doubt although its service answered ${answered.get(step)}`));
	const failure = status?.failure;
	if (status?.status === "needs_attention" && failure?.code === "outcome_unknown" && answered.get(failure.step))
		out.push(v("answered-doubt", `${failure.step} needs a person though it was answered`));
	return out;
};

/**
 * (answered-doubt, a world's) An order of version 2 (every step of which can be asked) needs a person
 * for an unknown outcome only after its service was asked, since its last attempt; a world running the
 * code without verify (the family's measure) is exempt.
 */
export const askedBeforeAPerson: Check = ({ spec, status, history }) => {
	const failure = status?.failure;
	if (status?.status !== "needs_attention" || failure?.code !== "outcome_unknown" || status.workflowVersion < 2)
		return [];
	let asked = 0;
	for (const e of history) {
		if (e.type === "step_started" && e.step === failure.step) asked = 0;
		if (e.type === "step_verified" && e.step === failure.step) asked++;
	}
	return asked > 0
		? []
		: [
				v(
					"answered-doubt",
					`${spec.orderId}: ${failure.step} went to a person in doubt without its service being asked`,
				),
			];
};

/**
 * (fence) A fence refuses only a copy that arrived late (held back by an `arrive_late` fault): never an
 * attempt the engine made after it asked, which would mean the fence was set too high, or an absent
 * answer was acted on while the engine's own attempt was still out.
 */
export const fenceOnlyLate: Check = ({ ledger }) =>
	ledger.requests
		.filter((r) => r.code === "idempotency_key_fenced" && r.fault !== "arrive_late")
		.map((r) =>
			v("fence", `${r.operation} under ${r.idempotencyKey} was refused by a fence, yet it was not a late copy`),
		);

/** (timers) A failed question is asked again no sooner than its `retryAt`. */
export const questionTimers: Check = ({ history }) => {
	const out: Violation[] = [];
	const due = new Map<string, number>();
	for (const e of history) {
		if (e.type !== "step_verified") continue;
		const at = Date.parse(e.at);
		const since = due.get(e.step);
		if (since !== undefined && at < since)
			out.push(v("timers", `${e.step} was asked again at ${e.at}, before ${new Date(since).toISOString()}`));
		if (e.retryAt) due.set(e.step, Date.parse(e.retryAt));
		else due.delete(e.step);
	}
	return out;
};

/**
 * (cannot-pick) A cannot-pick answered 202 undoes the order: it never ends completed or waiting, nothing
 * is confirmed, no pick is accepted beside it, and once undone its failure says cannot_pick.
 */
export const cannotPickUndoes: Check = ({ answers, status, ledger }) => {
	if (!answers.some((a) => a.action.startsWith("cannot-pick") && a.status === 202)) return [];
	const out: Violation[] = [];
	if (status?.status === "completed" || status?.status === "waiting")
		out.push(v("cannot-pick", `a cannot-pick was answered 202, yet the order is ${status.status}`));
	if (ledger.emails.length > 0)
		out.push(v("cannot-pick", "a cannot-pick was answered 202, yet the order was confirmed"));
	if (answers.some((a) => a.action.startsWith("pick") && a.status === 202))
		out.push(v("cannot-pick", "both a pick and a cannot-pick were answered 202"));
	if (status?.status === "compensated" && status.failure?.code !== "cannot_pick")
		out.push(v("cannot-pick", `undone after a cannot-pick, yet its failure is ${status.failure?.code}`));
	return out;
};
