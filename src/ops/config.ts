import { z } from "zod";

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
const OpsEnv = z.object({
	/** Slack-compatible webhook the alerts are posted to (a secret). */
	ALERT_WEBHOOK_URL: ServiceUrl,
	/** Public URL of this Worker, for the links in alerts. */
	PUBLIC_BASE_URL: ServiceUrl,
	/** Time limit of one queue message's handling (its D1 writes, its sends), in ms. Default 10,000. */
	CONSUMER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export function opsConfig(env: object) {
	const e = OpsEnv.parse(env);
	return {
		alertWebhookUrl: e.ALERT_WEBHOOK_URL,
		publicBaseUrl: e.PUBLIC_BASE_URL,
		consumerTimeoutMs: e.CONSUMER_TIMEOUT_MS,
	};
}
