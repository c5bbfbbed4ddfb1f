/** Latest instant a Date can hold, in ms since the epoch. */
const MAX_DATE_MS = 8.64e15;

/** ISO 8601 for any time the journal holds: out-of-range values are clamped, so formatting never throws. */
export function isoTime(ms: number): string {
	const clamped = Number.isFinite(ms) ? Math.max(-MAX_DATE_MS, Math.min(MAX_DATE_MS, ms)) : MAX_DATE_MS;
	return new Date(clamped).toISOString();
}

/** The earliest of some due times; null when none is set. */
export const earliest = (times: readonly (number | null)[]): number | null =>
	times.reduce<number | null>((min, at) => (at !== null && (min === null || at < min) ? at : min), null);

/**
 * `work`, or a rejection once `ms` of real time have passed: for I/O that may hang (a queue, D1, another
 * object), and for a promise of another object's context, which may never settle once that object died.
 */
export function withinMs<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: number | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
	});
	return Promise.race([work, late]).finally(() => {
		if (timer !== undefined) clearTimeout(timer);
	});
}
