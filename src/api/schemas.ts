import { z } from "@hono/zod-openapi";

/** The body of every operator action: why, for the audit trail. */
export const ActionBody = z
	.object({ reason: z.string().min(1).max(500).regex(/\S/, "must not be blank").describe("Why, for the audit trail") })
	.strict()
	.meta({ id: "ActionRequest" });

export const IdempotencyHeader = z.object({
	"idempotency-key": z
		.string()
		.min(1)
		.max(200)
		.optional()
		.describe("The same key again for the same action returns 200 and does nothing; for another action, 422"),
});
