import { requestJson } from "./http.mjs";
import { runPoint } from "./load.mjs";
import { makeOrder, orderIds } from "./orders.mjs";
import { publicPoint } from "./points.mjs";
import { durableObjectCost } from "./pricing.mjs";
import { settings } from "./settings.mjs";
import { usageOf } from "./usage.mjs";

/**
 * The failure path "charge applied, answer lost" (issue 20): each order's charge takes effect, then
 * payments' gateway answers 502, so the order's charge is in doubt. The orchestrator asks payments
 * about the charge's key (verify), learns it was applied, and goes on: no second charge, no person.
 * Its ledger is the happy path's. Runs `settings.failureOrders` orders, eight clients at a time.
 */
export async function answerLostPath(client, sandboxUrl) {
	const ids = orderIds(client.name, "lost");
	const count = settings.failureOrders;
	for (let i = 0; i < count; i++) {
		const fault = { service: "payments", operation: "charge", orderId: ids(i), fault: "error_after", status: 502 };
		const injected = await requestJson("POST", `${sandboxUrl}/faults`, { body: fault });
		if (injected.status !== 201) throw new Error(`sandbox refused the fault: ${JSON.stringify(injected.body)}`);
	}
	return runPoint(client, { concurrency: 8, count, orderFor: (i) => makeOrder(ids(i)) });
}

/** What the report shows of the path: final statuses, latency, the engine's counts and the cost they come to. */
export function answerLostSummary(point, storageBytes) {
	const usage = usageOf(point.results);
	const activeSeconds = point.latencyMs.mean / 1000;
	return { ...publicPoint(point), usage, cost: durableObjectCost({ ...usage, activeSeconds, storageBytes }) };
}
