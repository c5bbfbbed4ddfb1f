import { env } from "cloudflare:workers";
import { platform } from "../src/ops/platform";

/**
 * A controlled clock per order's object: real time plus an offset that only grows. The engine reads
 * nothing else, so a test moves an order's time forward (to its alarm's scheduled time, say) without
 * touching any other order's, and never backwards. Installed for every test file by test/setup.ts.
 */
const offsets = new Map<string, number>();

const objectIdOf = (orderId: string) => env.ORDERS.idFromName(orderId).toString();

export function installClock(): void {
	platform.now = (objectId) => Date.now() + (offsets.get(objectId) ?? 0);
}

/** The order's clock now, in ms since the epoch. */
export function clockOf(orderId: string): number {
	return platform.now(objectIdOf(orderId));
}

/** Moves the order's clock forward to `at`; a time already past changes nothing. */
export function advanceClockTo(orderId: string, at: number): void {
	const id = objectIdOf(orderId);
	const ahead = at - platform.now(id);
	if (ahead > 0) offsets.set(id, (offsets.get(id) ?? 0) + ahead);
}

export function advanceClockBy(orderId: string, ms: number): void {
	advanceClockTo(orderId, clockOf(orderId) + ms);
}
