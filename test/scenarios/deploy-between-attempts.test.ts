import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deploy } from "../deploys";
import {
	cannotTell,
	confirmPick,
	effectCounts,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	orderBody,
	pickToken,
	placeOrder,
	settle,
} from "../helpers";

/** The order's shipment is booked, its answer lost: the step is in doubt, its retry due. */
async function shipmentInDoubt(orderId: string): Promise<void> {
	await injectFault({ service: "shipping", operation: "ship", orderId, fault: "error_after", status: 502, times: 1 });
	expect((await placeOrder(orderBody(orderId))).status).toBe(202);
	await settle(orderId, (s) => s.steps.some((step) => step.name === "schedule-shipping" && step.status === "retrying"));
}

/** The bodies the carrier received under the shipment's key: the first, and any the retries were refused for. */
async function shipRequests(orderId: string) {
	return (await ledger(orderId)).requests.filter((r) => r.operation === "ship");
}

describe("a deploy between two attempts of a step in doubt", () => {
	it("a rotated CALLBACK_SECRET: the retry sends the same body, learns the shipment, and the order completes", async () => {
		const orderId = newOrderId("rotated-secret");
		await shipmentInDoubt(orderId);
		// Rotated as the README says: the new secret first (it signs), the old one after (it still verifies).
		await deploy([orderId], { config: { CALLBACK_SECRET: `k2:rotated-secret-0123456789,${env.CALLBACK_SECRET}` } });

		expect((await settle(orderId)).status).toBe("waiting");
		expect((await shipRequests(orderId)).map((r) => r.code)).not.toContain("idempotency_key_reused");
		expect(await effectCounts(orderId)).toMatchObject({ shipments: 1, shipmentCancellations: 0 });
		// The token the warehouse holds was signed with the old key, which still verifies.
		expect((await confirmPick(orderId, await pickToken(orderId))).status).toBe(202);
		expect((await settle(orderId)).status).toBe("completed");
		const pinned = (await getHistory(orderId)).find((e) => e.type === "step_started" && e.step === "schedule-shipping");
		expect(pinned).toMatchObject({ pinned: { callbackUrl: expect.stringContaining("https://orders.test/") } });
	});

	it("a changed PUBLIC_BASE_URL: the retry still sends the callback URL of the first attempt", async () => {
		const orderId = newOrderId("moved-base-url");
		await shipmentInDoubt(orderId);
		await deploy([orderId], { config: { PUBLIC_BASE_URL: "https://orders.example" } });

		expect((await settle(orderId)).status).toBe("waiting");
		expect((await shipRequests(orderId)).map((r) => r.code)).not.toContain("idempotency_key_reused");
		const [shipment] = (await ledger(orderId)).shipments;
		expect(shipment?.data.callbackUrl).toMatch(/^https:\/\/orders\.test\//);
	});

	it("a refusal saying the key came with another body never settles the doubt: a person looks, the shipment is not left behind", async () => {
		const orderId = newOrderId("key-reused");
		await shipmentInDoubt(orderId);
		await cannotTell(orderId, "shipping");
		await injectFault({
			service: "shipping",
			operation: "ship",
			orderId,
			fault: "error",
			status: 422,
			code: "idempotency_key_reused",
			times: 10,
		});
		const status = await settle(orderId);
		expect(status.status).toBe("needs_attention");
		expect(status.failure).toMatchObject({ step: "schedule-shipping" });
		// Not compensated as if nothing had been booked: the shipment exists and nobody cancelled it silently.
		expect(await effectCounts(orderId)).toMatchObject({ shipments: 1, refunds: 1, releases: 1 });
		const shipping = status.steps.find((s) => s.name === "schedule-shipping");
		expect(shipping?.lastError).toMatchObject({ kind: "unknown_outcome", code: "idempotency_key_reused" });
	});

	it("a signing key removed too early: the retry sends nothing under another key, and a person is asked", async () => {
		const orderId = newOrderId("key-removed");
		await shipmentInDoubt(orderId);
		await cannotTell(orderId, "shipping");
		await deploy([orderId], { config: { CALLBACK_SECRET: "k9:a-wholly-new-secret-0123456789" } });
		const status = await settle(orderId);
		expect(status.status).toBe("needs_attention");
		expect((await shipRequests(orderId)).length).toBe(1);
		const shipping = status.steps.find((s) => s.name === "schedule-shipping");
		expect(shipping?.lastError).toMatchObject({ code: "callback_key_missing" });
	});

	it("a signing key removed too early, but shipping can tell: the shipment is learned, nothing is signed or sent again", async () => {
		const orderId = newOrderId("key-removed-verified");
		await shipmentInDoubt(orderId);
		await deploy([orderId], { config: { CALLBACK_SECRET: "k9:a-wholly-new-secret-0123456789" } });
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect((await shipRequests(orderId)).length).toBe(1);
		expect(status.steps.find((s) => s.name === "schedule-shipping")).toMatchObject({
			status: "succeeded",
			attempts: 1,
			verification: "applied",
		});
	});
});
