import { platform } from "../src/ops/platform";
import { Prefixes, shareClock } from "./clock";

/**
 * Which breaker guards a downstream for each order. Storage is isolated per test file, not per test,
 * and one breaker per downstream would let one test's faults hold another test's orders. So by
 * default every order gets breakers of its own; a test that is about breakers shares them among the
 * orders whose workflow ids start with its prefix, and points the operator API (which names no order)
 * at them. Installed for every test file by test/setup.ts.
 */
const shared = new Prefixes();
let apiScope: string | null = null;
/** Orders whose questions to their breaker (or its answers) are held back, and for how long, in ms. */
const slowAdmissions = new Map<string, { ms: number; before: boolean }>();

const scoped = (downstream: string, scope: string) => `${downstream}@${scope}`;

export function installBreakerScopes(): void {
	platform.admission = async (workflowId, ask) => {
		const slow = slowAdmissions.get(workflowId);
		if (slow?.before) await scheduler.wait(slow.ms);
		const answer = await ask();
		if (slow && !slow.before) await scheduler.wait(slow.ms);
		return answer;
	};
	platform.breaker = (downstream, workflowId) => {
		if (workflowId === "") return apiScope === null ? downstream : scoped(downstream, apiScope);
		return scoped(downstream, shared.of(workflowId) ?? workflowId);
	};
}

/**
 * Orders whose workflow id starts with `prefix` share one breaker per downstream, and one clock with
 * them; the operator API addresses them too, unless `api` is false (many fleets at once, each its own).
 */
export function shareBreakers(prefix: string, { api = true }: { api?: boolean } = {}): void {
	shared.add(prefix);
	if (api) apiScope = prefix;
	shareClock(prefix);
}

/** Holds back every question of the order to its breakers by `ms`, so that requests can land while one is awaited. */
export function slowAdmissionsOf(orderId: string, ms: number): void {
	slowAdmissions.set(orderId, { ms, before: true });
}

/** Holds back every answer of the order's breakers by `ms`, once the breaker has given it: a release may overtake it. */
export function slowAnswersOf(orderId: string, ms: number): void {
	slowAdmissions.set(orderId, { ms, before: false });
}
