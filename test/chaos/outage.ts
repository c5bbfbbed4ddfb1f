import { env } from "cloudflare:workers";
import { platform } from "../../src/ops/platform";
import type { OutageSpec } from "./families";

/** The order's breaker of `downstream`, as its object reaches it (test/breakers.ts gives every order its own). */
function breakerOf(downstream: string, orderId: string) {
	const name = platform.breaker(downstream, orderId);
	return { name, stub: env.BREAKERS.get(env.BREAKERS.idFromName(name)) };
}

/**
 * Pauses the downstream at the order's breaker once `callsSoFar()` reaches the window's start, and
 * resumes it `forMs` later, as an operator would around an outage. Returns what it did, for the case's log.
 */
export async function outageWindow(
	spec: OutageSpec,
	orderId: string,
	callsSoFar: () => number,
	ended: () => boolean,
): Promise<string[]> {
	while (callsSoFar() < spec.afterCalls) {
		if (ended()) return [];
		await scheduler.wait(1);
	}
	const { name, stub } = breakerOf(spec.downstream, orderId);
	const request = (reason: string) => ({ actor: "operator:chaos", reason, requestKey: null });
	const paused = await stub.act(spec.downstream, name, "pause", request("outage window"));
	await scheduler.wait(spec.forMs);
	const resumed = await stub.act(spec.downstream, name, "resume", request("outage over"));
	return [`[outage] ${spec.downstream} pause -> ${paused.outcome}`, `[outage] resume -> ${resumed.outcome}`];
}
