import type { FC } from "hono/jsx";
import { CONSOLE_PATHS } from "../ops/console-paths";

/** A time as the API gives it (ISO 8601, UTC), shown to the millisecond: a timeline's entries are often that close. */
export const When: FC<{ iso: string | null | undefined }> = ({ iso }) =>
	iso ? <time datetime={iso}>{iso.replace("T", " ")}</time> : <span class="muted">—</span>;

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
