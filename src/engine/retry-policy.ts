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

/**
 * How a step's service is asked about its key while the step is in doubt (see `verify`): a few tries,
 * quickly, since a person is what waits if they all fail. Each field has the meaning it has for a step;
 * `attemptTimeoutMs` is one question's limit, never longer than one of the step's attempts. Defaults: 3
 * tries, backoff from 1,000 ms doubling to at most 10,000 ms, 5,000 ms per question.
 */
export const DEFAULT_VERIFY_POLICY = {
	maxAttempts: 3,
	initialDelayMs: 1_000,
	backoffFactor: 2,
	maxDelayMs: 10_000,
	attemptTimeoutMs: 5_000,
} as const satisfies Partial<RetryPolicy>;

/** The verify policy of a step with policy `step`: the defaults, no longer per question than one attempt, then `overrides`. */
export function verifyPolicy(step: RetryPolicy, overrides?: Partial<RetryPolicy>): RetryPolicy {
	const timeout = Math.min(DEFAULT_VERIFY_POLICY.attemptTimeoutMs, step.attemptTimeoutMs);
	return retryPolicy(DEFAULT_VERIFY_POLICY, { attemptTimeoutMs: timeout }, overrides);
}

/** Fills a partial policy from the defaults and validates it eagerly, so a bad policy fails at declaration. */
export function retryPolicy(...layers: (Partial<RetryPolicy> | undefined)[]): RetryPolicy {
	const merged = Object.assign({}, DEFAULT_RETRY_POLICY, ...layers);
	// Every run of every order declares the same few policies: each is validated once per isolate.
	const key = JSON.stringify(merged);
	let policy = checkedPolicies.get(key);
	if (!policy) {
		policy = Object.freeze(RetryPolicy.parse(merged));
		if (checkedPolicies.size >= 256) checkedPolicies.clear();
		checkedPolicies.set(key, policy);
	}
	return policy;
}

const checkedPolicies = new Map<string, RetryPolicy>();

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
