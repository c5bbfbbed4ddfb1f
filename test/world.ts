import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { platform } from "../src/ops/platform";
import { DOWNSTREAMS } from "../src/order/services";
import { advanceClockTo } from "./clock";
import { inObject, rethrowUnlessCrash } from "./helpers";

/** Something in a world that has an alarm: an order's object or a breaker's, by name. */
export interface Timer {
	kind: "order" | "breaker";
	name: string;
	at: number;
}

/** The breakers the orders reach (their own, or the ones they share), by name. */
export function breakersOf(orderIds: readonly string[]): string[] {
	return [
		...new Set(orderIds.flatMap((orderId) => DOWNSTREAMS.map((downstream) => platform.breaker(downstream, orderId)))),
	];
}

const stubOf = ({ kind, name }: Pick<Timer, "kind" | "name">) =>
	kind === "order" ? env.ORDERS.get(env.ORDERS.idFromName(name)) : env.BREAKERS.get(env.BREAKERS.idFromName(name));

/** The alarms set in the world now, earliest first. */
export async function timersOf(orderIds: readonly string[], breakers = breakersOf(orderIds)): Promise<Timer[]> {
	const objects = [
		...orderIds.map((name) => ({ kind: "order" as const, name })),
		...breakers.map((name) => ({ kind: "breaker" as const, name })),
	];
	const timers = await Promise.all(
		objects.map(async (object) => ({
			...object,
			at: await runInDurableObject(stubOf(object), (_: unknown, state: DurableObjectState) => state.storage.getAlarm()),
		})),
	);
	return timers.filter((t): t is Timer => t.at !== null).sort((a, b) => a.at - b.at);
}

/** Moves the world's clock to the timer's time (`late` past it, for the timing family) and fires it there. */
export async function fire(timer: Timer, world: string, late = 0): Promise<boolean> {
	advanceClockTo(world, timer.at + late);
	return runDurableObjectAlarm(stubOf(timer));
}

/** Whether any of the orders has a run, a hand-over or a report under way (one a test crashed is looked at again). */
export async function anyBusy(orderIds: readonly string[]): Promise<boolean> {
	const busy = await Promise.all(orderIds.map((name) => inObject(name, (instance) => instance.engine.busy)));
	return busy.some(Boolean);
}

/**
 * Drives a world of orders (one clock, shared breakers) until `done`: lets what runs finish, then
 * fires the earliest alarm, an order's or a breaker's, at its time. Fails if it never gets there.
 */
export async function driveWorld(
	orderIds: readonly string[],
	done: () => Promise<boolean>,
	maxRounds = 1_000,
): Promise<void> {
	const [world = ""] = orderIds;
	const breakers = breakersOf(orderIds);
	for (let round = 0; round < maxRounds; round++) {
		if (await anyBusy(orderIds)) {
			await scheduler.wait(5);
			continue;
		}
		if (await done()) return;
		const [next] = await timersOf(orderIds, breakers);
		// A crash a test arranged may surface in the alarm it hits; the next round finds the fresh instance.
		if (next) await fire(next, world).catch((error: unknown) => rethrowUnlessCrash(error));
		else await scheduler.wait(5);
	}
	throw new Error(`the world of ${orderIds.join(", ")} did not get there in ${maxRounds} rounds`);
}
