/** Nearest-rank percentile of already sorted numbers; p in [0, 100]. */
export function percentile(sorted, p) {
	if (sorted.length === 0) return null;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const round = (value, digits = 1) =>
	value === null || value === undefined ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** p50, p99, mean and max of a list of milliseconds, rounded for the report. */
export function summarize(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
	return {
		count: sorted.length,
		p50: round(percentile(sorted, 50)),
		p99: round(percentile(sorted, 99)),
		mean: round(mean),
		max: round(sorted.at(-1) ?? null),
	};
}

export function mean(values) {
	return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export function countBy(items, key) {
	const counts = {};
	for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
	return counts;
}
