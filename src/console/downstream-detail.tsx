import { isoTime } from "../engine/time";
import { orderRefOf } from "../order/tenant";
import type { BreakerShown } from "./breaker-reads";
import { Ago, duration, orderPath, Status } from "./format";

type Episode = BreakerShown["episodes"][number];

/** The share of the current window's calls that failed, in words. */
export function failureRate({ recentFailures, recentCalls }: BreakerShown["view"]): string {
	if (recentCalls === 0) return "no calls reported in the current window";
	const percent = Math.round((recentFailures / recentCalls) * 100);
	return `${percent}% failed: ${recentFailures} of ${recentCalls} calls reported in the current window`;
}

/** The orders the breaker holds, longest-held first, each linking to its page. */
const HeldOrders = ({ past, now }: { past: BreakerShown; now: number }) => {
	const more = past.view.heldOrders - past.held.length;
	if (past.view.heldOrders === 0) return <p>No order is held.</p>;
	return (
		<>
			<ul class="held" aria-label={`Orders ${past.view.name} holds`}>
				{past.held.map((held) => {
					const ref = orderRefOf(held.workflowId);
					return (
						<li>
							<a href={orderPath(ref)}>{held.workflowId}</a>
							{", held since "}
							<Ago iso={isoTime(held.since)} now={now} />
						</li>
					);
				})}
			</ul>
			{more > 0 && <p class="muted">{`and ${more} more, released after these.`}</p>}
		</>
	);
};

const EpisodeRow = ({ episode, now }: { episode: Episode; now: number }) => (
	<tr>
		<td data-label="Began">
			<Ago iso={isoTime(episode.startedAt)} now={now} />
		</td>
		<td data-label="How">
			<Status value={episode.kind === "paused" ? "paused" : "open"} />
		</td>
		<td data-label="Why" class="wrap">
			{episode.reason}
		</td>
		<td data-label="By">{episode.startedBy}</td>
		<td data-label="Lasted">
			{episode.endedAt === null
				? `${duration(now - episode.startedAt)} so far`
				: duration(episode.endedAt - episode.startedAt)}
		</td>
		<td data-label="Ended">
			{episode.endedAt === null ? (
				"still going"
			) : (
				<>
					<Ago iso={isoTime(episode.endedAt)} now={now} />
					{`, by ${episode.endedBy ?? "?"}`}
				</>
			)}
		</td>
	</tr>
);

/** One downstream in full: its recent failure rate, the orders it holds, and its episodes, newest first. */
export const DownstreamDetail = ({ past, now }: { past: BreakerShown; now: number }) => (
	<section id={past.view.name} aria-labelledby={`${past.view.name}-title`} class="downstream">
		<h2 id={`${past.view.name}-title`}>
			{`${past.view.name} `}
			<Status value={past.view.state} />
		</h2>
		<p>{`Recent failure rate: ${failureRate(past.view)}.`}</p>
		<h3>Held orders</h3>
		<HeldOrders past={past} now={now} />
		<h3>Episodes</h3>
		{past.episodes.length === 0 ? (
			<p>No episode in the last week: it has stayed closed.</p>
		) : (
			<table aria-label={`${past.view.name}'s episodes`}>
				<thead>
					<tr>
						<th scope="col">Began</th>
						<th scope="col">How</th>
						<th scope="col">Why</th>
						<th scope="col">By</th>
						<th scope="col">Lasted</th>
						<th scope="col">Ended</th>
					</tr>
				</thead>
				<tbody>
					{past.episodes.map((episode) => (
						<EpisodeRow episode={episode} now={now} />
					))}
				</tbody>
			</table>
		)}
	</section>
);
