import { z } from "zod";
import { perEnv } from "../config/per-env";
import { ServiceUrl as Url } from "../ops/config";

/** One `CALLBACK_SECRET` entry: `kid:secret` or a bare secret, the secret at least 16 characters. */
const CallbackSecretEntry = z
	.string()
	.regex(
		/^(?:[A-Za-z0-9_-]{1,32}:)?[^:,\s]{16,}$/,
		"each entry is kid:secret or a secret, the secret at least 16 characters",
	);

/** The order workflow's settings, read from the Worker's vars and secrets. Defaults live here only. */
export const OrderEnv = z.object({
	PAYMENTS_URL: Url,
	INVENTORY_URL: Url,
	SHIPPING_URL: Url,
	EMAIL_URL: Url,
	/** Base of the callback URL the warehouse is given. */
	PUBLIC_BASE_URL: Url,
	/** HMAC keys of the warehouse callback tokens, comma-separated (a secret): the first signs, all verify. */
	CALLBACK_SECRET: z
		.string()
		.transform((list) =>
			list
				.split(",")
				.map((entry) => entry.trim())
				.filter(Boolean),
		)
		.pipe(z.array(CallbackSecretEntry).min(1, "at least one secret")),
	/** How long the warehouse has to pick, in seconds. Default 172,800 (two days). */
	PICK_DEADLINE_SECONDS: z.coerce.number().int().positive().default(172_800),
	/** Time limit of one downstream call, in ms. Unset: the retry policy's default (10,000). */
	DOWNSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
	/** Days a customer's email and address are kept after the order settles. Default 30. */
	RETENTION_DAYS: z.coerce.number().positive().default(30),
	/** Bearer key sent with every downstream call (a secret), e.g. a deployed sandbox's SANDBOX_KEY. */
	DOWNSTREAM_API_KEY: z.string().min(1).optional(),
	/**
	 * `info`: one log line per outcome, failure, retry, hold and operator action (about one per happy
	 * order: Workers Logs bills per event). `debug`: one per journal entry. Default `info`.
	 */
	LOG_LEVEL: z.enum(["info", "debug"]).default("info"),
});

export interface OrderConfig {
	paymentsUrl: string;
	inventoryUrl: string;
	shippingUrl: string;
	emailUrl: string;
	publicBaseUrl: string;
	/** The `CALLBACK_SECRET` entries, the signing one first. */
	callbackSecrets: string[];
	pickDeadlineMs: number;
	downstreamTimeoutMs: number | undefined;
	downstreamApiKey: string | undefined;
	retentionMs: number;
	logLevel: "info" | "debug";
}

export class ConfigError extends Error {
	override name = "ConfigError";
}

export const orderConfig = perEnv(parseOrderConfig);

function parseOrderConfig(env: object): OrderConfig {
	const parsed = OrderEnv.safeParse(env);
	if (!parsed.success) {
		const fields = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
		throw new ConfigError(`invalid configuration: ${fields}`);
	}
	const e = parsed.data;
	return {
		paymentsUrl: e.PAYMENTS_URL,
		inventoryUrl: e.INVENTORY_URL,
		shippingUrl: e.SHIPPING_URL,
		emailUrl: e.EMAIL_URL,
		publicBaseUrl: e.PUBLIC_BASE_URL,
		callbackSecrets: e.CALLBACK_SECRET,
		pickDeadlineMs: e.PICK_DEADLINE_SECONDS * 1000,
		downstreamTimeoutMs: e.DOWNSTREAM_TIMEOUT_MS,
		downstreamApiKey: e.DOWNSTREAM_API_KEY,
		retentionMs: e.RETENTION_DAYS * 86_400_000,
		logLevel: e.LOG_LEVEL,
	};
}
