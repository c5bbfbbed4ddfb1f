import { percentile } from "./stats.mjs";

/**
 * When a waiting client asks for an order's status. Polling every few ms for seconds would make the
 * load generator most of the load at high concurrency (each read is a request to the order's object),
 * so the first read waits for most of the recent median latency and later ones back off to a tenth
 * of the time waited so far. Latency is taken from the system's own finish time, so the pacing costs
 * no precision; it only delays the client's next order a little.
 */
export function pacer(minMs) {
	const recent = [];
	return {
		first() {
			if (recent.length === 0) return minMs;
			return Math.max(
				minMs,
				0.8 *
					percentile(
						[...recent].sort((a, b) => a - b),
						50,
					),
			);
		},
		next: (elapsedMs) => Math.max(minMs, elapsedMs / 10),
		record(latencyMs) {
			recent.push(latencyMs);
			if (recent.length > 32) recent.shift();
		},
	};
}
