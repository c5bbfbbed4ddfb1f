import { z } from "zod";

/** How one step is attempted and retried. Every field has a default in {@link DEFAULT_RETRY_POLICY}. */
export const RetryPolicy = z.object({
	/** Attempts in all, the first included. Default 5. */
	maxAttempts: z.int().min(1).max(1000),
	/** Upper bound of the first retry's delay, in ms. Default 1,000. */
	initialDelayMs: z.int().min(0),
	/** Growth of that bound per attempt. Default 2. */
	backoffFactor: z.number().min(1),
	/** Cap on the bound, in ms. Default 60,000. */
	maxDelayMs: z.int().min(0),
	/** Cap on a downstream's `Retry-After`, in ms: a larger one is taken as this. Default 3,600,000 (one hour). */
	maxRetryAfterMs: z.int().min(0),
	/** One attempt's time limit, in ms; past it the call is aborted and its outcome is unknown. Default 10,000. */
	attemptTimeoutMs: z.int().min(1),
	/** The step's SLA: still retrying this long after its first attempt, it raises one "stuck" alert. Default 900,000 (15 minutes). */
	stuckAfterMs: z.int().min(1),
	/** Longest a forward step is held while its downstream is open or paused; past it the step fails for good. Default 86,400,000 (24 h). */
	maxHoldMs: z.int().min(1),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const DEFAULT_RETRY_POLICY = {
	maxAttempts: 5,
	initialDelayMs: 1_000,
	backoffFactor: 2,
	maxDelayMs: 60_000,
	maxRetryAfterMs: 3_600_000,
	attemptTimeoutMs: 10_000,
	stuckAfterMs: 15 * 60_000,
	maxHoldMs: 24 * 3_600_000,
} as const satisfies RetryPolicy;

/** Fills a partial policy from the defaults and validates it eagerly, so a bad policy fails at declaration. */
export function retryPolicy(...layers: (Partial<RetryPolicy> | undefined)[]): RetryPolicy {
	return RetryPolicy.parse(Object.assign({}, DEFAULT_RETRY_POLICY, ...layers));
}

/**
 * Delay before the attempt after `failedAttempt` (1-based, counted in the current budget), with full
 * jitter: uniform in [0, min(maxDelay, initialDelay × factor^(failedAttempt-1))). A downstream's
 * `Retry-After` is a floor, capped at `maxRetryAfterMs`: we never come back sooner than it asked.
 * Steps and notification hand-overs both back off with it.
 */
export function backoffDelay(
	policy: RetryPolicy,
	failedAttempt: number,
	random: () => number,
	retryAfterMs = 0,
): number {
	const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoffFactor ** (failedAttempt - 1));
	const floor = Number.isFinite(retryAfterMs) ? Math.min(retryAfterMs, policy.maxRetryAfterMs) : policy.maxRetryAfterMs;
	return Math.max(Math.floor(random() * bound), floor);
}
