import { z } from "zod";

/** Settings of the queue consumers and the sweeper, read from the Worker's vars. Defaults live here only. */
const OpsEnv = z.object({
	/** Time limit of one queue message's handling (its D1 writes, its sends), in ms. Default 10,000. */
	CONSUMER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export function opsConfig(env: object) {
	const e = OpsEnv.parse(env);
	return { consumerTimeoutMs: e.CONSUMER_TIMEOUT_MS };
}
