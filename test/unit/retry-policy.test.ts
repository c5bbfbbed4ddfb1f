import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_RETRY_POLICY, retryPolicy } from "../../src/engine/retry-policy";

const policy = retryPolicy({ initialDelayMs: 100, backoffFactor: 3, maxDelayMs: 2_000 });
const almostOne = 1 - Number.EPSILON;

describe("backoff with full jitter", () => {
	it("stays in [0, min(max, initial × factor^(n-1))) for every attempt", () => {
		for (let attempt = 1; attempt <= 10; attempt++) {
			const bound = Math.min(2_000, 100 * 3 ** (attempt - 1));
			expect(backoffDelay(policy, attempt, () => 0)).toBe(0);
			expect(backoffDelay(policy, attempt, () => almostOne)).toBe(bound - 1);
			for (let i = 0; i < 50; i++) {
				const delay = backoffDelay(policy, attempt, Math.random);
				expect(delay).toBeGreaterThanOrEqual(0);
				expect(delay).toBeLessThan(bound);
			}
		}
	});

	it("spreads retries: the same attempt gets different delays", () => {
		const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(policy, 3, Math.random)));
		expect(delays.size).toBeGreaterThan(10);
	});

	it("never comes back sooner than Retry-After", () => {
		expect(backoffDelay(policy, 1, () => 0.5, 30_000)).toBe(30_000);
		expect(backoffDelay(policy, 5, () => almostOne, 10)).toBe(1_999);
	});

	it("caps Retry-After at the policy's maximum, however large or strange", () => {
		const max = DEFAULT_RETRY_POLICY.maxRetryAfterMs;
		expect(backoffDelay(policy, 1, () => 0, 1e16)).toBe(max);
		expect(backoffDelay(policy, 1, () => 0, Number.POSITIVE_INFINITY)).toBe(max);
		expect(backoffDelay(retryPolicy({ maxRetryAfterMs: 5_000 }), 1, () => 0, 60_000)).toBe(5_000);
	});
});

describe("policy declaration", () => {
	it("fills from the defaults", () => {
		expect(retryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
		expect(retryPolicy({ maxAttempts: 2 }, { attemptTimeoutMs: 5 })).toEqual({
			...DEFAULT_RETRY_POLICY,
			maxAttempts: 2,
			attemptTimeoutMs: 5,
		});
	});

	it("rejects a nonsensical policy where it is declared", () => {
		expect(() => retryPolicy({ maxAttempts: 0 })).toThrow();
		expect(() => retryPolicy({ backoffFactor: 0.5 })).toThrow();
		expect(() => retryPolicy({ initialDelayMs: -1 })).toThrow();
	});
});
