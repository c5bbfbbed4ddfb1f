import type { Child } from "hono/jsx";
import { CONSOLE_PATHS } from "../ops/console-paths";
import type { HistoryEntry, OrderStatus } from "../order/status";
import type { Holds } from "./breaker-reads";
import { Copyable } from "./copy";
import { Status, When } from "./format";

type Step = OrderStatus["steps"][number];

/** Longest excerpt of a step's result shown, in characters: a result is a service's id, but nothing outside is trusted to stay small. */
export const MAX_RESULT = 200;

/** What each step's service answered when it took effect (its result, or its answer about the key), as bounded text. */
export function resultsOf(events: HistoryEntry[]): Map<string, string> {
	const results = new Map<string, string>();
	for (const entry of events) {
		if (entry.type !== "step_succeeded" && entry.type !== "step_verified") continue;
		if (entry.result === undefined || (entry.type === "step_verified" && entry.answer !== "applied")) continue;
		const text = JSON.stringify(entry.result) ?? "";
		results.set(entry.step, text.length > MAX_RESULT ? `${text.slice(0, MAX_RESULT)}…` : text);
	}
	return results;
}

const lastError = (step: Step) =>
	step.lastError ? `${step.lastError.code} (${step.lastError.kind}): ${step.lastError.message}` : "";

/** What its service said when asked about its key, or which event came: what settled a doubt or a wait. */
const answered = (step: Step): Child => {
	if (step.event) return `${step.event} came`;
	if (!step.verification) return "";
	return (
		<>
			{`${step.verification}, asked `}
			<When iso={step.verifiedAt} />
		</>
	);
};

/** Why a held step waits, from its breaker as it is now: an operator's pause (by whom, why) or the breaker opened. */
const Held = ({ downstream, holds }: { downstream: string; holds: Holds }) => {
	const view = holds[downstream];
	const link = <a href={`${CONSOLE_PATHS.downstreams}#${downstream}`}>{downstream}</a>;
	if (!view) return <>held by {link}</>;
	if (view.state === "paused")
		return (
			<>
				held: {link} was paused by an operator: {view.reason ?? ""}
			</>
		);
	if (view.state === "closed") return <>held: {link} has recovered; held orders are being released</>;
	return (
		<>
			held: {link}'s breaker opened: {view.reason ?? ""}
		</>
	);
};

/** Each step: status, attempts, its key (to copy), its last error and its result as operators may read them, what comes next. */
export const Steps = ({ steps, events, holds }: { steps: Step[]; events: HistoryEntry[]; holds: Holds }) => {
	const results = resultsOf(events);
	return (
		<table>
			<thead>
				<tr>
					<th scope="col">Step</th>
					<th scope="col">Kind</th>
					<th scope="col">Status</th>
					<th scope="col">Attempts</th>
					<th scope="col">Idempotency key</th>
					<th scope="col">Last error</th>
					<th scope="col">Result</th>
					<th scope="col">Answer</th>
					<th scope="col">Next attempt</th>
				</tr>
			</thead>
			<tbody>
				{steps.map((step) => (
					<tr data-step={step.name}>
						<th scope="row">{step.name}</th>
						<td data-label="Kind">{step.kind}</td>
						<td data-label="Status">
							<Status value={step.status} />
						</td>
						<td data-label="Attempts">{step.attempts}</td>
						<td data-label="Key">
							{step.idempotencyKey ? (
								<Copyable text={step.idempotencyKey} what={`${step.name}'s idempotency key`} />
							) : (
								""
							)}
						</td>
						<td data-label="Last error" class="wrap">
							{lastError(step)}
						</td>
						<td data-label="Result" class="wrap">
							{results.has(step.name) ? <code>{results.get(step.name)}</code> : ""}
						</td>
						<td data-label="Answer">{answered(step)}</td>
						<td data-label="Next attempt" class="wrap">
							{step.heldBy ? <Held downstream={step.heldBy} holds={holds} /> : <When iso={step.nextAttemptAt} />}
						</td>
					</tr>
				))}
			</tbody>
		</table>
	);
};
