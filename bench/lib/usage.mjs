import { mean, round } from "./stats.mjs";

/**
 * The engine's own billing counts, averaged over finished orders, from the read made just after each
 * finished (see clients.mjs). Status reads are requests to the object too; the load generator's are
 * subtracted (its polls and that read), so `requests` is what the order itself cost: placing it, the
 * pick callback, alarm invocations.
 */
export function usageOf(results) {
	const usages = results
		.filter((r) => r.settled?.usage)
		.map((r) => ({ ...r.settled.usage, requests: r.settled.usage.requests - r.polls - 1 }));
	const avg = (key) => round(mean(usages.map((u) => u[key])), 2);
	const billed = usages.map((u) => u.rowsWritten + u.alarmsSet);
	return {
		orders: usages.length,
		rowsWritten: avg("rowsWritten"),
		alarmsSet: avg("alarmsSet"),
		billedRowsWritten: round(mean(billed), 2),
		billedRowsWrittenMax: Math.max(...billed),
		rowsRead: avg("rowsRead"),
		requests: avg("requests"),
	};
}
