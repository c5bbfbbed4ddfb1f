import { breaker } from "../api/downstreams";
import type { DownstreamView } from "../ops/breaker-state";
import { platform } from "../ops/platform";
import { DOWNSTREAMS } from "../order/services";
import type { OrderStatus } from "../order/status";

/** Every downstream's breaker as the console shows it: state, episodes and failures since `since`, held orders (at most `limit`). */
export function breakersSince(env: Env, since: number, limit: number) {
	return Promise.all(
		DOWNSTREAMS.map((name) => {
			const { object, stub } = breaker(env, name);
			return stub.past(name, object, since, limit);
		}),
	);
}

/** A breaker's past as `breakersSince` gives it. */
export type BreakerShown = Awaited<ReturnType<typeof breakersSince>>[number];

/** What holds an order's steps now: the breaker of each downstream a step is held by, as it is now (by downstream). */
export type Holds = Record<string, DownstreamView>;

/** The breakers holding the order's steps, asked now (one question per downstream holding one; none for most orders). */
export async function holdsOf(env: Env, workflowId: string, order: OrderStatus): Promise<Holds> {
	const downstreams = [...new Set(order.steps.flatMap((step) => (step.heldBy ? [step.heldBy] : [])))];
	const views = await Promise.all(
		downstreams.map((downstream) => {
			const object = platform.breaker(downstream, workflowId);
			return env.BREAKERS.get(env.BREAKERS.idFromName(object)).describe(downstream, object);
		}),
	);
	return Object.fromEntries(views.map((view, i) => [downstreams[i], view]));
}
