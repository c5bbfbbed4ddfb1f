import { z } from "zod";

/** The event-stream caps, read from the Worker's vars. Defaults live here only. */
export const StreamEnv = z.object({
	/** Event streams one key may hold open at once, across all orders. Default 10. */
	STREAMS_PER_KEY: z.coerce.number().int().positive().default(10),
	/** Event streams one tenant's keys may hold open at once, together. Default 50. */
	STREAMS_PER_TENANT: z.coerce.number().int().positive().default(50),
});

export function streamConfig(env: object) {
	const e = StreamEnv.parse(env);
	return { perKey: e.STREAMS_PER_KEY, perTenant: e.STREAMS_PER_TENANT };
}
