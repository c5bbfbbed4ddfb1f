import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shareBreakers } from "../breakers";
import { advanceClockBy, clockOf } from "../clock";
import { crashAt, getStatus, injectFault, newOrderId, orderBody, placeOrder, settle } from "../helpers";
import { driveWorld } from "../world";

const SANDBOX = "https://sandbox.test";
/** A probe lease runs this long (the default): what a lost probe used to cost every order the breaker holds. */
const LEASE_MS = 30_000;

const breakerOf = (name: string) => env.BREAKERS.get(env.BREAKERS.idFromName(name));
const stepOf = async (orderId: string, name: string) =>
	(await getStatus(orderId)).steps.find((step) => step.name === name);

describe("a breaker's probe cut off by a restart of its order", () => {
	it.each([
		["before the release was written: the breaker sends it the probe again shortly", "calling"],
		["with its call answered, not yet written: it asks again at once and is the probe again", "returned"],
	] as const)("%s; the breaker does not wait out the lease", async (_, at) => {
		const prefix = newOrderId("probe-cut-off");
		shareBreakers(prefix, { api: false });
		const name = `inventory@${prefix}`;
		await breakerOf(name).report("inventory", name, {
			successes: 0,
			failures: 10,
			lastFailure: "http_503",
			probe: null,
		});
		const orderId = `${prefix}-0`;
		await injectFault({
			service: "inventory",
			operation: "reserve",
			orderId,
			fault: "error",
			status: 503,
			times: 1000,
		});
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		await settle(orderId, (s) => s.steps.some((step) => step.name === "reserve-inventory" && step.status === "held"));

		// The service is back; the probe goes to the order, and its object restarts with the call in flight.
		await fetch(`${SANDBOX}/faults?orderId=${encodeURIComponent(orderId)}`, { method: "DELETE" });
		await crashAt(orderId, (point) => point.at === at && point.step === "reserve-inventory");
		advanceClockBy(prefix, 5_000);
		const cutOffAt = clockOf(prefix);
		await driveWorld([orderId], async () => (await stepOf(orderId, "reserve-inventory"))?.status === "succeeded");
		expect(clockOf(prefix) - cutOffAt).toBeLessThan(LEASE_MS);
		expect((await breakerOf(name).describe("inventory", name)).state).toBe("closed");
	});
});
