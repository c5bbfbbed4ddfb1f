import type { OrderStatus } from "../order/status";
import { duration } from "./format";

type Step = OrderStatus["steps"][number];

// The drawing's own units: it scales to its box. A row per step: its name, then its bar on the order's time.
const W = 480;
const LABEL = 170;
const ROW = 22;
const BAR_W = W - LABEL - 8;

/** A step's name as its row shows it, cut to fit the label column (the list below the drawing says it whole). */
const label = (name: string) => (name.length > 21 ? `${name.slice(0, 20)}…` : name);

/** A step's span on the order's time: from its start to its end, or to now while it runs. */
const spanOf = (step: Step, now: number) => {
	const start = step.startedAt ? Date.parse(step.startedAt) : null;
	const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
	return start === null ? null : { start, end: Math.max(start, end) };
};

/**
 * Each step's duration as a waterfall, from the times its journal gives it (its first start, its end):
 * where the order spent its time, at a glance. Drawn as SVG on the server; each bar's title says the
 * exact duration, and the list below it says them all in words.
 */
export const Waterfall = ({ order, now }: { order: OrderStatus; now: number }) => {
	const spans = order.steps.map((step) => ({ step, span: spanOf(step, now) }));
	const started = spans.flatMap(({ span }) => (span ? [span] : []));
	if (started.length === 0) return <p>No step has started yet.</p>;
	const t0 = Date.parse(order.createdAt);
	const t1 = Math.max(t0 + 1, ...started.map((span) => span.end));
	const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * BAR_W;
	const height = spans.length * ROW + 6;
	return (
		<figure class="chart">
			<svg
				viewBox={`0 0 ${W} ${height}`}
				class="waterfall"
				role="img"
				aria-label="Each step's duration on the order's time"
			>
				{spans.map(({ step, span }, row) => (
					<g>
						<text x={4} y={row * ROW + 17}>
							{label(step.name)}
						</text>
						{span && (
							<rect
								class={step.status}
								x={Math.round(x(span.start) * 10) / 10}
								y={row * ROW + 5}
								height={ROW - 6}
								width={Math.max(1.5, Math.round((x(span.end) - x(span.start)) * 10) / 10)}
							>
								<title>{`${step.name}: ${duration(span.end - span.start)}${step.finishedAt ? "" : " so far"}`}</title>
							</rect>
						)}
					</g>
				))}
			</svg>
			<figcaption>
				<ul class="legend" aria-label="Step durations">
					{spans.map(({ step, span }) => (
						<li>{`${step.name}: ${span ? `${duration(span.end - span.start)}${step.finishedAt ? "" : " so far"}` : "not started"}`}</li>
					))}
				</ul>
			</figcaption>
		</figure>
	);
};
