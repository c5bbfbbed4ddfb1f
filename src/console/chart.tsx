import { HOUR_MS, HOURS } from "../ops/last-day";

/** One line or set of bars: its class (which colours it, in style.ts), its name in the legend, a count per hour. */
export interface Series {
	id: string;
	label: string;
	values: number[];
}

/** A stretch of time drawn behind the counts (a breaker's episode), clipped to the day. */
export interface Band {
	start: number;
	end: number;
	kind: string;
	label: string;
}

// The drawing's own units: the SVG scales to its box, so a phone shows it whole.
const W = 480;
const H = 150;
const LEFT = 30;
const RIGHT = 6;
const TOP = 8;
const BOTTOM = 20;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;

const x = (hour: number) => LEFT + (hour / HOURS) * PLOT_W;
const round = (n: number) => Math.round(n * 10) / 10;

/** The top of the scale: the largest count rounded up to a number that reads well (1, 2, 5, 10, 20, ...). */
export function scaleTop(values: number[]): number {
	const largest = Math.max(1, ...values);
	const step = 10 ** Math.floor(Math.log10(largest));
	return [1, 2, 5, 10].map((m) => m * step).find((top) => top >= largest) ?? 10 * step;
}

/** The axes: the scale's top and zero, and every sixth hour's UTC time. */
const Axes = ({ from, top }: { from: number; top: number }) => (
	<g class="axes">
		<line x1={LEFT} y1={TOP + PLOT_H} x2={W - RIGHT} y2={TOP + PLOT_H} />
		<text x={LEFT - 4} y={TOP + 8} text-anchor="end">
			{String(top)}
		</text>
		<text x={LEFT - 4} y={TOP + PLOT_H} text-anchor="end">
			0
		</text>
		{[0, 6, 12, 18].map((hour) => (
			<text x={x(hour)} y={H - 5}>
				{`${new Date(from + hour * HOUR_MS).toISOString().slice(11, 16)}`}
			</text>
		))}
	</g>
);

interface ChartProps {
	title: string;
	/** The start of the first hour drawn. */
	from: number;
	series: Series[];
	/** Lines (several series over a day) or bars (one). */
	as: "lines" | "bars";
	bands?: Band[];
}

/**
 * A day of counts per hour as an SVG drawn on the server: no script, no library, a few kilobytes, and
 * allowed by the console's Content-Security-Policy (attributes, not inline styles). The legend and the
 * numbers themselves follow as text, for a screen reader and for anyone who wants the exact counts.
 */
export const HourChart = ({ title, from, series, as, bands = [] }: ChartProps) => {
	const top = scaleTop(series.flatMap((s) => s.values));
	const y = (value: number) => round(TOP + PLOT_H - (value / top) * PLOT_H);
	const slot = PLOT_W / HOURS;
	return (
		<figure class="chart">
			<svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} class="chart">
				{bands.map((band) => {
					const start = Math.max(band.start, from);
					const end = Math.min(band.end, from + HOURS * HOUR_MS);
					const x1 = x((start - from) / HOUR_MS);
					return (
						<rect
							class={`band ${band.kind}`}
							x={round(x1)}
							y={TOP}
							height={PLOT_H}
							width={round(Math.max(1.5, x((end - from) / HOUR_MS) - x1))}
						>
							<title>{band.label}</title>
						</rect>
					);
				})}
				<Axes from={from} top={top} />
				{series.map((s) =>
					as === "bars" ? (
						<g class={`series ${s.id}`}>
							{s.values.map((value, hour) =>
								value > 0 ? (
									<rect
										x={round(x(hour) + slot * 0.15)}
										y={y(value)}
										width={round(slot * 0.7)}
										height={round(TOP + PLOT_H - y(value))}
									/>
								) : null,
							)}
						</g>
					) : (
						<polyline
							class={`series ${s.id}`}
							points={s.values.map((value, hour) => `${round(x(hour + 0.5))},${y(value)}`).join(" ")}
						/>
					),
				)}
			</svg>
			<figcaption>
				<ul class="legend">
					{series.map((s) => (
						<li>
							<span class={`swatch ${s.id}`} aria-hidden="true" />
							{`${s.label}: ${s.values.reduce((a, b) => a + b, 0)}`}
						</li>
					))}
					{bands.length > 0 && (
						<li>
							<span class="swatch band" aria-hidden="true" />
							{`breaker episodes: ${bands.length}`}
						</li>
					)}
				</ul>
			</figcaption>
		</figure>
	);
};

/** The same counts as a table, hour by hour (UTC), behind a disclosure: the chart's exact numbers. */
export const HourTable = ({ from, series }: { from: number; series: Series[] }) => (
	<details class="numbers">
		<summary>The numbers, hour by hour</summary>
		<table>
			<thead>
				<tr>
					<th scope="col">Hour (UTC)</th>
					{series.map((s) => (
						<th scope="col">{s.label}</th>
					))}
				</tr>
			</thead>
			<tbody>
				{Array.from({ length: HOURS }, (_, hour) => (
					<tr>
						<th scope="row">{new Date(from + hour * HOUR_MS).toISOString().slice(0, 16).replace("T", " ")}</th>
						{series.map((s) => (
							<td data-label={s.label}>{s.values[hour] ?? 0}</td>
						))}
					</tr>
				))}
			</tbody>
		</table>
	</details>
);
