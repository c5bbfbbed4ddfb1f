/**
 * What a chaos test reports, as plain types with no Worker imports: the Node-side reporter reads
 * them from each test's meta and writes them to chaos-report.json.
 */

/** A broken promise: which invariant, and what exactly was seen. */
export interface Violation {
	invariant: string;
	message: string;
}

/** One checked case. */
export interface CaseResult {
	id: string;
	/** The fault families it drew from (families.ts). */
	families: string[];
	/** The order's id, or the world's name when it has several. */
	orderId: string;
	/** Orders in the case's world. */
	orders?: number;
	/** The order's final status, "absent" when it does not exist; a world's, each order's joined by "+". */
	status: string;
	crashes: number;
	checkpoints: { committed: number; returned: number };
	elapsedMs: number;
	violations: Violation[];
	/** Hiccups of the test platform the driver retried (a 5xx or alarm error with no crash injected under it). */
	notes: string[];
	rerun: string;
}

/**
 * What asking services about doubts changed, in the effect_then_error family (each of its single-fault
 * cases run on the code as it is, and on the code without verify), and the race the fence is for.
 */
export interface VerifyMeasure {
	/** effect_then_error cases, each run both ways. */
	cases: number;
	/**
	 * Orders left needing a person only because an outcome stayed unknown: a forward step in doubt
	 * (`outcome_unknown`), an undo in doubt, or the confirmation after the point of no return.
	 */
	needsAttentionUnknown: { withVerify: number; withoutVerify: number; removed: number };
	/** Final statuses, each way. */
	outcomes: { withVerify: Record<string, number>; withoutVerify: Record<string, number> };
	/** `arrives_late` cases run, and the originals that arrived after the question and were refused by its fence. */
	lateOriginals: { cases: number; fenced: number; arrivedFirst: number };
	/** Each case's final status both ways (`*` marks one counted in `needsAttentionUnknown`). */
	byCase: Record<string, { withVerify: string; withoutVerify: string }>;
}

/** One chaos test's summary. */
export interface ChaosMeta {
	part: "matrix" | "fleet" | "random" | "fuzz" | "verify";
	seed: number;
	profile: string;
	/** Matrix cases, random orders, or generated requests. */
	cases: number;
	violations: number;
	/** Final statuses (or HTTP statuses for the fuzz), counted. */
	outcomes: Record<string, number>;
	/** Cases per fault family (a case counts in each family it draws from). */
	families: Record<string, number>;
	crashes: number;
	/** Cases in which the driver retried a platform hiccup. */
	hiccups: number;
	failures: (CaseResult & { details: string })[];
	elapsedMs: number;
	results?: CaseResult[];
	/** The verify part's measure. */
	verify?: VerifyMeasure;
}

const addCounts = (a: Record<string, number>, b: Record<string, number>) => {
	const sum = { ...a };
	for (const [key, n] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + n;
	return sum;
};

/** One summary of two (the matrix runs in shards): counts added, failures and results together, the longer time. */
export function mergeMeta(a: ChaosMeta, b: ChaosMeta): ChaosMeta {
	return {
		...a,
		cases: a.cases + b.cases,
		violations: a.violations + b.violations,
		outcomes: addCounts(a.outcomes, b.outcomes),
		families: addCounts(a.families, b.families),
		crashes: a.crashes + b.crashes,
		hiccups: a.hiccups + b.hiccups,
		failures: [...a.failures, ...b.failures],
		elapsedMs: Math.max(a.elapsedMs, b.elapsedMs),
		results: [...(a.results ?? []), ...(b.results ?? [])],
	};
}

/** Cases per family over several summaries. */
export const familyTotals = (...metas: (ChaosMeta | undefined)[]) =>
	metas.reduce<Record<string, number>>((sum, meta) => addCounts(sum, meta?.families ?? {}), {});
