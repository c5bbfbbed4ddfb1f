import { z } from "zod";
import { perEnv } from "../config/per-env";

/** Hosts a plain-http URL may point at: this machine only. */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
export const isLoopback = (hostname: string) => LOOPBACK.has(hostname);

/**
 * A service or webhook URL: `https://`, or `http://` to a loopback address (the local sandbox).
 * A trailing slash is dropped, so paths can be appended.
 */
export const ServiceUrl = z
	.url()
	.refine((url) => {
		const { protocol, hostname } = new URL(url);
		return protocol === "https:" || (protocol === "http:" && isLoopback(hostname));
	}, "must be https:// (http:// only to a loopback address)")
	.transform((url) => url.replace(/\/+$/, ""));

/** Settings of the queue consumers and the sweeper, read from the Worker's vars and secrets. Defaults live here only. */
export const OpsEnv = z.object({
	/** Slack-compatible webhook the alerts are posted to (a secret). */
	ALERT_WEBHOOK_URL: ServiceUrl,
	/** Public URL of this Worker, for the links in alerts. */
	PUBLIC_BASE_URL: ServiceUrl,
	/** Time limit of one queue message's handling (its D1 writes, its sends), in ms. Default 10,000. */
	CONSUMER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export const opsConfig = perEnv((env) => {
	const e = OpsEnv.parse(env);
	return {
		alertWebhookUrl: e.ALERT_WEBHOOK_URL,
		publicBaseUrl: e.PUBLIC_BASE_URL,
		consumerTimeoutMs: e.CONSUMER_TIMEOUT_MS,
	};
});

/** The downstream breakers' settings. Defaults live here only; the README's table repeats them. */
export const BreakerEnv = z.object({
	/** Failures (retryable or unknown outcome) in one window, across all orders, that open a breaker. Default 10. */
	BREAKER_FAILURES: z.coerce.number().int().positive().default(10),
	/** ...and the share of the window's calls they must be. Default 0.5. */
	BREAKER_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.5),
	/** The window the failures are counted in, in ms. Default 30,000. */
	BREAKER_WINDOW_MS: z.coerce.number().int().positive().default(30_000),
	/** How long an open breaker waits before it lets one probe through, in ms. Default 5,000. */
	BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(5_000),
	/** How long a probe may take before another is let through, in ms. Default 30,000. */
	BREAKER_PROBE_LEASE_MS: z.coerce.number().int().positive().default(30_000),
	/** How long an isolate trusts a closed breaker without asking, in ms. Default 2,000. */
	BREAKER_CACHE_MS: z.coerce.number().int().min(0).default(2_000),
	/** Held orders released per second per downstream once it recovers. Default 20. */
	DOWNSTREAM_RELEASE_PER_SECOND: z.coerce.number().int().positive().default(20),
});

export type BreakerConfig = ReturnType<typeof breakerConfig>;

export const breakerConfig = perEnv((env) => {
	const e = BreakerEnv.parse(env);
	return {
		failures: e.BREAKER_FAILURES,
		failureRate: e.BREAKER_FAILURE_RATE,
		windowMs: e.BREAKER_WINDOW_MS,
		cooldownMs: e.BREAKER_COOLDOWN_MS,
		probeLeaseMs: e.BREAKER_PROBE_LEASE_MS,
		cacheMs: e.BREAKER_CACHE_MS,
		releasePerSecond: e.DOWNSTREAM_RELEASE_PER_SECOND,
	};
});
