/**
 * List prices the cost figures use, with the date they were read. Change them here only.
 * Every figure is US$ per million orders, so a per-order quantity times a per-million price is
 * already the answer.
 */
export const PRICES = {
	asOf: "2026-11",
	durableObjects: {
		source: "https://developers.cloudflare.com/durable-objects/platform/pricing/ (Workers Paid)",
		requestsPerMillion: 0.15, // RPC calls and alarm invocations count
		gbSecondsPerMillion: 12.5,
		rowsWrittenPerMillion: 1.0,
		rowsReadPerMillion: 0.001,
		storagePerGbMonth: 0.2,
		memoryGb: 0.128, // duration is billed for the 128 MB an object is allocated
	},
	stepFunctionsStandard: { source: "https://aws.amazon.com/step-functions/pricing/", perMillionTransitions: 25 },
	temporalCloud: { source: "https://temporal.io/pricing", perMillionActions: 50 },
};

/**
 * What one order takes on the other platforms, per path, and why. These are the published pricing
 * units applied to the same workflow, not measurements.
 */
export const OTHER_PLATFORMS = {
	stepFunctionsStandard: {
		unit: "state transitions",
		perOrder: { happy: 5, outOfStock: 4, declined: 2 },
		assumptions: [
			"happy: Task charge, Task reserve, Task ship (.waitForTaskToken holds it until the pick), Task email, Succeed = 5",
			"out of stock: Task charge, Task reserve (Catch), Task refund, Fail = 4; declined: Task charge (Catch), Fail = 2",
			"no retries (each retry is one more transition); the Lambda or HTTP-task calls behind the Task states are extra",
		],
	},
	temporalCloud: {
		unit: "actions",
		perOrder: { happy: 7, outOfStock: 4, declined: 2 },
		assumptions: [
			"happy: workflow start, 4 activities (charge, reserve, ship, email), 1 signal (the pick), 1 timer (the pick deadline) = 7",
			"out of stock: start, charge, reserve, refund = 4; declined: start, charge = 2",
			"no retries or heartbeats (each is one more action); your own workers' compute and history storage are extra",
		],
	},
};

/**
 * US$ per million orders on Durable Objects, from the engine's own counts. `activeSeconds` is how long
 * the object is busy per order (awaiting its downstream calls); an idle object that can hibernate, as an
 * order waiting for its pick does, is not billed for duration.
 */
export function durableObjectCost({ billedRowsWritten, rowsRead, requests, activeSeconds, storageBytes }) {
	const p = PRICES.durableObjects;
	const parts = {
		rowsWritten: billedRowsWritten * p.rowsWrittenPerMillion,
		rowsRead: rowsRead * p.rowsReadPerMillion,
		requests: requests * p.requestsPerMillion,
		duration: activeSeconds * p.memoryGb * p.gbSecondsPerMillion,
	};
	const total = Object.values(parts).reduce((sum, v) => sum + v, 0);
	// Storage recurs for as long as an order's journal is kept, so it is a monthly figure on its own line.
	const storagePerMonth = ((storageBytes * 1e6) / 1e9) * p.storagePerGbMonth;
	return {
		perMillionOrders: round2(total),
		parts: mapValues(parts, round2),
		storagePerMillionOrdersPerMonth: round2(storagePerMonth),
	};
}

/** The other platforms' price of one path, US$ per million orders. */
export function otherPlatformCost(path) {
	return {
		stepFunctionsStandard:
			OTHER_PLATFORMS.stepFunctionsStandard.perOrder[path] * PRICES.stepFunctionsStandard.perMillionTransitions,
		temporalCloud: OTHER_PLATFORMS.temporalCloud.perOrder[path] * PRICES.temporalCloud.perMillionActions,
	};
}

const round2 = (v) => Math.round(v * 100) / 100;
const mapValues = (object, fn) => Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
