import { z } from "zod";

/** What the warehouse confirms with its callback. */
export const PickConfirmation = z
	.object({
		token: z.string().min(1).max(2048),
		pickedBy: z.string().min(1).max(200),
		pickedAt: z.iso.datetime({ offset: true }),
	})
	.meta({ id: "PickConfirmation" });
export type PickConfirmation = z.infer<typeof PickConfirmation>;
