import { d1Rows, eventually } from "../helpers";

/** How long a dead letter may take to travel from the order's object through its queue into D1. */
const DELIVERY_MS = 5_000;

/**
 * THE DEAD-LETTER HOOK: how many dead letters an order has, for the invariant "an order that needs
 * attention has exactly one dead letter, any other none" (invariants.ts). The object hands the
 * needs-attention notification to a queue whose consumer writes the D1 row, so when one is expected
 * the count first waits, bounded, for it to land; otherwise it counts what is there now (a late row
 * may then go unseen, but a row that is there is never imagined). Set it to null to stop checking.
 */
export const deadLetterCount: ((orderId: string, expected: boolean) => Promise<number>) | null = async (
	orderId,
	expected,
) => {
	if (!expected) return (await d1Rows("dead_letters", orderId)).length;
	const rows = await eventually(
		() => d1Rows("dead_letters", orderId),
		(found) => found.length > 0,
		DELIVERY_MS,
	).catch(() => []);
	// Let a redelivery land too: a second episode for one failure is exactly what this counts.
	if (rows.length > 0) await scheduler.wait(50);
	return (await d1Rows("dead_letters", orderId)).length;
};
