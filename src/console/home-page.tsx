import { Hono } from "hono";
import { CONSOLE_PATHS } from "../ops/console-paths";
import { dayStart, lastDay, perHour } from "../ops/last-day";
import { type BreakerShown, breakersSince } from "./breaker-reads";
import { type Band, HourChart, HourTable, type Series } from "./chart";
import { navCounts } from "./counts";
import { Status } from "./format";
import { type ConsoleEnv, requireSession } from "./guard";
import { Layout } from "./layout";

/** Episodes drawn per downstream: a day rarely has more, and the downstreams page lists them all. */
const EPISODES = 20;

const bandsOf = (past: BreakerShown, now: number): Band[] =>
	past.episodes.map((e) => ({
		start: e.startedAt,
		end: e.endedAt ?? now,
		kind: e.kind,
		label: `${e.kind} by ${e.startedBy}: ${e.reason}`,
	}));

/** One downstream's day: its failed calls per hour as bars, its episodes as bands behind them. */
const DownstreamDay = ({ past, from, now }: { past: BreakerShown; from: number; now: number }) => {
	const failures: Series = { id: "failures", label: "failed calls", values: perHour(from, past.failuresByHour) };
	const bands = bandsOf(past, now).filter((band) => band.end >= from);
	return (
		<section class="downstream-day" aria-labelledby={`day-${past.view.name}`}>
			<h3 id={`day-${past.view.name}`}>
				<a href={`${CONSOLE_PATHS.downstreams}#${past.view.name}`}>{past.view.name}</a>{" "}
				<Status value={past.view.state} />
			</h3>
			<HourChart
				title={`${past.view.name}: failed calls per hour and breaker episodes`}
				from={from}
				series={[failures]}
				as="bars"
				bands={bands}
			/>
		</section>
	);
};

/** The console's home: what the fleet did in the last 24 hours, and how each downstream fared. */
export const homePage = new Hono<ConsoleEnv>().get("/", requireSession("redirect"), async (c) => {
	const now = Date.now();
	const from = dayStart(now);
	const [day, breakers, counts] = await Promise.all([
		lastDay(c.env.DB, now),
		breakersSince(c.env, from, EPISODES),
		navCounts(c.env.DB),
	]);
	const series: Series[] = [
		{ id: "placed", label: "placed", values: day.placed },
		{ id: "completed", label: "completed", values: day.completed },
		{ id: "compensated", label: "compensated", values: day.compensated },
		{ id: "attention", label: "needing attention", values: day.needingAttention },
	];
	return c.html(
		<Layout
			title="Overview"
			nonce={c.get("nonce")}
			signedIn={c.get("session")}
			counts={counts}
			current={CONSOLE_PATHS.home}
		>
			<p class="muted">
				The last 24 hours, hour by hour (UTC): orders from the order index (it follows each order within seconds),
				downstreams from their breakers.
			</p>
			<section aria-labelledby="day-orders">
				<h2 id="day-orders">Orders</h2>
				<HourChart
					title="Orders per hour: placed, completed, compensated, needing attention"
					from={day.from}
					series={series}
					as="lines"
				/>
				<HourTable from={day.from} series={series} />
			</section>
			<section aria-labelledby="day-downstreams">
				<h2 id="day-downstreams">Downstreams</h2>
				<div class="days">
					{breakers.map((past) => (
						<DownstreamDay past={past} from={from} now={now} />
					))}
				</div>
			</section>
		</Layout>,
	);
});
