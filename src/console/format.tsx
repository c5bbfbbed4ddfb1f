import type { FC } from "hono/jsx";
import { CONSOLE_PATHS } from "../ops/console-paths";

/** A time as the API gives it (ISO 8601, UTC), shown to the millisecond: a timeline's entries are often that close. */
export const When: FC<{ iso: string | null | undefined }> = ({ iso }) =>
	iso ? <time datetime={iso}>{iso.replace("T", " ")}</time> : <span class="muted">—</span>;

const UNITS: [limit: number, ms: number, unit: string][] = [
	[60_000, 1_000, "s"],
	[3_600_000, 60_000, "min"],
	[86_400_000, 3_600_000, "h"],
	[Number.POSITIVE_INFINITY, 86_400_000, "d"],
];

/** How long ago (or how far ahead) `iso` is from `now`, as a person says it: "4 min ago", "in 2 h". */
export function relative(iso: string, now: number): string {
	const delta = now - Date.parse(iso);
	const size = Math.abs(delta);
	if (size < 1_000) return "just now";
	const [, ms, unit] = UNITS.find(([limit]) => size < limit) ?? [0, 86_400_000, "d"];
	const n = Math.floor(size / ms);
	return delta >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** A length of time as a person says it: "120 ms", "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function duration(ms: number): string {
	if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
	const s = Math.round(ms / 1000);
	if (s < 60) return `${s} s`;
	const min = Math.floor(s / 60);
	if (min < 60) return `${min} min`;
	const h = Math.floor(min / 60);
	if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
	return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** A time in a list: how long ago, with the exact UTC time on hover (its title) and for machines (datetime). */
export const Ago: FC<{ iso: string | null | undefined; now: number }> = ({ iso, now }) =>
	iso ? (
		<time datetime={iso} title={`${iso.replace("T", " ").replace("Z", " UTC")}`}>
			{relative(iso, now)}
		</time>
	) : (
		<span class="muted">—</span>
	);

/** A workflow's or a step's status, coloured by what it asks of a person. */
export const Status: FC<{ value: string }> = ({ value }) => <span class={`status ${value}`}>{value}</span>;

export const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** The console's page of one order. */
export const orderPath = CONSOLE_PATHS.order;

/** A list page's link to the page after `cursor`, keeping its filters. */
export function nextPage(path: string, filters: Record<string, string | number | undefined>, cursor: string): string {
	const query = new URLSearchParams();
	for (const [name, value] of Object.entries(filters)) if (value !== undefined) query.set(name, String(value));
	query.set("cursor", cursor);
	return `${path}?${query}`;
}
