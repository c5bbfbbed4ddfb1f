import { z } from "@hono/zod-openapi";
import { RetryMode } from "../engine/events";

/** The body of every operator action: why, for the audit trail. */
export const ActionBody = z
	.object({ reason: z.string().min(1).max(500).regex(/\S/, "must not be blank").describe("Why, for the audit trail") })
	.strict()
	.meta({ id: "ActionRequest" });

/** A retry's body: why, and which way it goes from a step in doubt. */
export const RetryBody = ActionBody.extend({
	mode: RetryMode.default("compensate").describe(
		"forward: ask the step in doubt under its key and carry the order on; compensate (default): learn it, then undo what took effect",
	),
})
	.strict()
	.meta({ id: "RetryRequest" });

export const IdempotencyHeader = z.object({
	"idempotency-key": z
		.string()
		.min(1)
		.max(200)
		.optional()
		.describe("The same key again for the same action returns 200 and does nothing; for another action, 422"),
});
