import { z } from "zod";
import { anyOf } from "../engine/keys";

/** The event the warehouse sends once the item is off the shelf: the order's point of no return. */
export const PICK_EVENT = "warehouse-picked";
/** The event the warehouse sends when it cannot pick the item (workflow version 2 on): the order is undone at once. */
export const CANNOT_PICK_EVENT = "warehouse-cannot-pick";
/** What an order of workflow version 2 waits for: the first of the warehouse's two answers wins. */
export const WAREHOUSE_ANSWERS = [PICK_EVENT, CANNOT_PICK_EVENT] as const;
export type WarehouseEvent = (typeof WAREHOUSE_ANSWERS)[number];

/** What the warehouse confirms with its callback. */
export const PickConfirmation = z
	.object({
		token: z.string().min(1).max(2048),
		pickedBy: z.string().min(1).max(200),
		pickedAt: z.iso.datetime({ offset: true }),
	})
	.meta({ id: "PickConfirmation" });
export type PickConfirmation = z.infer<typeof PickConfirmation>;

/** A pick as the journal keeps it (the token stays out). */
export const PickDetails = PickConfirmation.omit({ token: true });

/** Why the warehouse cannot pick: the shelf is empty, the item is damaged, or the address cannot be shipped to. */
export const CannotPickReason = z.enum(["out_of_stock", "damaged", "address_problem"]);
export type CannotPickReason = z.infer<typeof CannotPickReason>;

/** What the warehouse reports with its cannot-pick callback. */
export const CannotPickReport = z
	.object({
		token: z.string().min(1).max(2048),
		reason: CannotPickReason,
		reportedBy: z.string().min(1).max(200),
		reportedAt: z.iso.datetime({ offset: true }),
	})
	.meta({ id: "CannotPickReport" });
export type CannotPickReport = z.infer<typeof CannotPickReport>;

/** A cannot-pick as the journal keeps it (the token stays out): what the workflow reads its reason from. */
export const CannotPick = CannotPickReport.omit({ token: true });

/** The step an order of workflow version 2 waits at: one step for the warehouse's two answers (see `anyOf`). */
export const WAREHOUSE_WAIT = anyOf(WAREHOUSE_ANSWERS);
