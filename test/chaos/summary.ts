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
	orderId: string;
	/** The order's final status, "absent" when it does not exist. */
	status: string;
	crashes: number;
	checkpoints: { committed: number; returned: number };
	elapsedMs: number;
	violations: Violation[];
	/** Hiccups of the test platform the driver retried (a 5xx or alarm error with no crash injected under it). */
	notes: string[];
	rerun: string;
}

/** One chaos test's summary. */
export interface ChaosMeta {
	part: "matrix" | "random" | "fuzz";
	seed: number;
	profile: string;
	/** Matrix cases, random orders, or generated requests. */
	cases: number;
	violations: number;
	/** Final statuses (or HTTP statuses for the fuzz), counted. */
	outcomes: Record<string, number>;
	crashes: number;
	/** Cases in which the driver retried a platform hiccup. */
	hiccups: number;
	failures: (CaseResult & { details: string })[];
	elapsedMs: number;
	results?: CaseResult[];
}
