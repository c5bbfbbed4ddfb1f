import { platform } from "../src/ops/platform";

/**
 * What the code does beside an order's own work, counted by subject (a workflow id, a key's name, a
 * breaker): breaker round trips, rate-limit checks, messages handed to a queue, alarm wakes. Installed for every
 * test file by test/setup.ts, on top of the platform faults.
 */
const counts = new Map<string, number>();

const bump = (key: string, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by);

export function installCounts(): void {
	platform.count = (roundTrip, subject) => bump(`${roundTrip}:${subject}`);
	const queue = platform.queue;
	platform.queue = (binding, workflowId) => {
		const inner = queue(binding, workflowId);
		return {
			send: (body, options) => {
				bump(`queue:${workflowId}`);
				return inner.send(body, options);
			},
			sendBatch: (messages, options) => {
				bump(`queue:${workflowId}`);
				return inner.sendBatch(messages, options);
			},
			metrics: () => inner.metrics(),
		} as typeof inner;
	};
}

/** How often `roundTrip` happened about `subject` so far. */
export const countOf = (roundTrip: "breaker" | "rate-limit" | "queue" | "wake", subject: string) =>
	counts.get(`${roundTrip}:${subject}`) ?? 0;

/** Every count whose subject starts with `prefix`, summed: a breaker's round trips are counted by its name. */
export const countsLike = (roundTrip: "breaker" | "rate-limit" | "queue", prefix: string) =>
	[...counts].filter(([key]) => key.startsWith(`${roundTrip}:${prefix}`)).reduce((n, [, v]) => n + v, 0);
