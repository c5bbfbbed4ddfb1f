import { platform } from "../src/ops/platform";

/**
 * One controlled clock per world: real time plus an offset that only grows. A world is one order
 * (by default), or every order whose workflow id starts with a prefix given to `shareClock` (a fleet),
 * together with their breakers (`<downstream>@<scope>`, see breakers.ts) and whatever the consumers
 * do about them. Everything the code reads as "now" (orders, breakers, the isolate's trust in them,
 * alert claims) asks the platform for its subject's time, so moving a world's clock ages all of it
 * together and no other world. Installed for every test file by test/setup.ts.
 */
const offsets = new Map<string, number>();

/**
 * Prefixes that group ids, each matching itself and its members (`<prefix>-<i>`: "fl-2" is not a member
 * of "fl-21"); the first one added wins. Looked up by the id's own dashes, not by scanning every prefix:
 * every clock read asks, and a chaos run adds a prefix per fleet (500 of them).
 */
export class Prefixes {
	private readonly order = new Map<string, number>();

	add(prefix: string): void {
		if (!this.order.has(prefix)) this.order.set(prefix, this.order.size);
	}

	/** The prefix `id` belongs to, if any. */
	of(id: string): string | undefined {
		if (this.order.size === 0) return undefined;
		let found: string | undefined;
		let rank = Number.POSITIVE_INFINITY;
		for (let end = id.indexOf("-"); ; end = id.indexOf("-", end + 1)) {
			const candidate = end < 0 ? id : id.slice(0, end);
			const at = this.order.get(candidate);
			if (at !== undefined && at < rank) [found, rank] = [candidate, at];
			if (end < 0) return found;
		}
	}
}

const sharedPrefixes = new Prefixes();

/** The world a subject lives in: a breaker's scope, a shared prefix, or the order itself. */
export function worldOf(subject: string): string {
	const at = subject.indexOf("@");
	const scope = at >= 0 ? subject.slice(at + 1) : subject;
	return sharedPrefixes.of(scope) ?? scope;
}

export function installClock(): void {
	platform.now = (subject) => Date.now() + (offsets.get(worldOf(subject)) ?? 0);
}

/** Every order whose workflow id starts with `prefix` (and their breakers) shares one clock from now on. */
export function shareClock(prefix: string): void {
	sharedPrefixes.add(prefix);
}

/** The clock of the order's world now, in ms since the epoch (`orderId` of the default tenant, or a workflow id). */
export function clockOf(orderId: string): number {
	return platform.now(orderId);
}

/** Moves the order's world forward to `at`; a time already past changes nothing. */
export function advanceClockTo(orderId: string, at: number): void {
	const world = worldOf(orderId);
	const ahead = at - platform.now(orderId);
	if (ahead > 0) offsets.set(world, (offsets.get(world) ?? 0) + ahead);
}

export function advanceClockBy(orderId: string, ms: number): void {
	advanceClockTo(orderId, clockOf(orderId) + ms);
}
