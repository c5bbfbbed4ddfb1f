import type { Child } from "hono/jsx";
import type { StepFailure } from "../engine/errors";
import type { HistoryEntry } from "../order/status";
import { When } from "./format";

const failed = (error: StepFailure) => `${error.code} (${error.kind}): ${error.message}`;

/** What one journal entry says, in a line: the step, attempt, error, times, and for a person's action who and why. */
function detail(entry: HistoryEntry): Child {
	switch (entry.type) {
		case "workflow_started":
			return `workflow version ${entry.version ?? 1}`;
		case "step_started":
			return (
				<>
					{`${entry.step} attempt ${entry.attempt} (${entry.kind}), key `}
					<code>{entry.idempotencyKey}</code>
					{", times out at "}
					<When iso={entry.timeoutAt} />
				</>
			);
		case "step_succeeded":
			return entry.step;
		case "step_failed":
			return (
				<>
					{`${entry.step} attempt ${entry.attempt}: ${failed(entry.error)}; `}
					{entry.retryAt === null ? "failed for good" : <>next attempt at {<When iso={entry.retryAt} />}</>}
				</>
			);
		case "step_verified":
			return (
				<>
					{`${entry.step}: its service was asked about its key (attempts up to ${entry.fence} fenced if absent): `}
					<strong>{entry.answer}</strong>
					{entry.error ? `; ${failed(entry.error)}` : ""}
					{entry.retryAt ? <>; asked again at {<When iso={entry.retryAt} />}</> : ""}
				</>
			);
		case "step_stuck":
			return (
				<>
					{`${entry.step} still retrying after ${entry.attempts} attempts, since `}
					<When iso={entry.since} />
				</>
			);
		case "event_waiting":
			return (
				<>
					{`waits for ${entry.events ? `the first of ${entry.events.join(", ")}` : entry.step} until `}
					<When iso={entry.deadline} />
				</>
			);
		case "event_reminder":
			return (
				<>
					{`reminder: ${entry.step} is due by `}
					<When iso={entry.deadline} />
				</>
			);
		case "event_received":
			return (
				<>
					{`${entry.event ?? entry.step} received `}
					<code>{JSON.stringify(entry.payload)}</code>
				</>
			);
		case "point_of_no_return":
			return "point of no return: from here a failure is recorded, never compensated";
		case "compensation_started":
			return `undoing after ${entry.failure.step} failed: ${entry.failure.code}: ${entry.failure.message}`;
		case "workflow_finished":
			return entry.failure
				? `${entry.status} after ${entry.failure.step} failed: ${entry.failure.code}: ${entry.failure.message}`
				: entry.status;
		case "operator_action":
			return (
				<>
					<strong>{`${entry.action} by ${entry.actor}`}</strong>
					{`: “${entry.reason}”`}
					{entry.steps.length > 0 ? `; runs again: ${entry.steps.join(", ")}` : ""}
				</>
			);
		case "notifications_sent":
			return `handed over: ${entry.ids.join(", ")}`;
		case "data_erased":
			return `erased ${entry.fields.join(", ")} (${entry.reason})`;
	}
}

/** The order's journal, oldest first, one row per entry with its time. */
export const Timeline = ({ events }: { events: HistoryEntry[] }) => (
	<table>
		<thead>
			<tr>
				<th scope="col">#</th>
				<th scope="col">Time</th>
				<th scope="col">Entry</th>
				<th scope="col">Details</th>
			</tr>
		</thead>
		<tbody>
			{events.map((entry) => (
				<tr data-seq={entry.seq}>
					<td data-label="#">{entry.seq}</td>
					<td data-label="Time">
						<When iso={entry.at} />
					</td>
					<td data-label="Entry">{entry.type}</td>
					<td data-label="Details" class="wrap">
						{detail(entry)}
					</td>
				</tr>
			))}
		</tbody>
	</table>
);
