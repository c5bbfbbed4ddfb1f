import { describe, expect, it } from "vitest";
import type { RetryPlans } from "../../src/engine/plan";
import { placeInDoubt } from "../doubt";
import {
	api,
	confirmPick,
	effectCounts,
	getHistory,
	getStatus,
	ledger,
	OPERATOR_KEY,
	pickToken,
	requestsFor,
	settle,
} from "../helpers";

type Mode = "forward" | "compensate";

const retry = (orderId: string, body: unknown, dryRun = false) =>
	api(`/orders/${orderId}/retry${dryRun ? "?dryRun=true" : ""}`, { method: "POST", key: OPERATOR_KEY, body });

async function plansOf(orderId: string): Promise<RetryPlans> {
	const response = await retry(orderId, { reason: "what would happen?" }, true);
	expect(response.status).toBe(200);
	return ((await response.json()) as { plans: RetryPlans }).plans;
}

async function retryGoing(orderId: string, mode: Mode) {
	const response = await retry(orderId, { reason: `going ${mode}`, mode });
	expect(response.status, await response.clone().text()).toBe(202);
	expect(await response.json()).toMatchObject({ outcome: "accepted", mode, steps: ["charge-payment"] });
}

describe("a retry of an order whose charge is in doubt: go forward or undo", () => {
	it("the dry run offers both ways, each listing every step it would run, undos included, and changes nothing", async () => {
		const orderId = await placeInDoubt("plans", "error_after");
		const before = await getHistory(orderId, OPERATOR_KEY);
		const plans = await plansOf(orderId);
		expect(plans.forward).toEqual({
			refusal: null,
			steps: [
				{ step: "charge-payment", kind: "action", does: "ask", onlyIf: null },
				{ step: "reserve-inventory", kind: "action", does: "run", onlyIf: null },
				{ step: "schedule-shipping", kind: "action", does: "run", onlyIf: null },
				{ step: "warehouse-picked|warehouse-cannot-pick", kind: "event", does: "wait", onlyIf: null },
				{ step: "send-confirmation", kind: "action", does: "run", onlyIf: null },
			],
		});
		expect(plans.compensate).toEqual({
			refusal: null,
			steps: [
				{ step: "charge-payment", kind: "action", does: "ask", onlyIf: null },
				{ step: "charge-payment:undo", kind: "undo", does: "run", onlyIf: "applied" },
			],
		});
		expect(await getHistory(orderId, OPERATOR_KEY)).toEqual(before);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});

	it("forward: the charge is asked under its key, found applied, and the order carries on to completion, charged once", async () => {
		const orderId = await placeInDoubt("forward-applied", "error_after");
		await retryGoing(orderId, "forward");
		const waiting = await settle(orderId);
		expect(waiting.status).toBe("waiting");
		expect(waiting.steps[0]).toMatchObject({ name: "charge-payment", status: "succeeded", verification: "applied" });
		// Nothing was sent again under the charge's key: its service's answer replaced the call.
		expect(requestsFor(await ledger(orderId), "charge")).toHaveLength(5);
		await confirmPick(orderId, await pickToken(orderId));
		expect(await settle(orderId)).toMatchObject({ status: "completed", needsAttention: false, failure: null });
		expect(await effectCounts(orderId)).toMatchObject({
			charges: 1,
			refunds: 0,
			reservations: 1,
			shipments: 1,
			emails: 1,
		});
		const audit = (await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");
		expect(audit).toEqual([expect.objectContaining({ action: "retry", mode: "forward", actor: "operator:alice" })]);
	});

	it("forward: a charge that never took effect is sent again under the same key, and the order carries on", async () => {
		const orderId = await placeInDoubt("forward-absent", "error");
		await retryGoing(orderId, "forward");
		const waiting = await settle(orderId);
		expect(waiting.status).toBe("waiting");
		expect(waiting.steps[0]).toMatchObject({ status: "succeeded", verification: "absent", attempts: 6 });
		const l = await ledger(orderId);
		expect(l.charges).toHaveLength(1);
		expect(new Set(requestsFor(l, "charge").map((r) => r.idempotencyKey))).toEqual(
			new Set([`${orderId}:charge-payment`]),
		);
	});

	it("undo, the default: the charge is learned, then refunded, as its plan said", async () => {
		const orderId = await placeInDoubt("undo", "error_after");
		const response = await retry(orderId, { reason: "customer gave up" });
		expect(response.status).toBe(202);
		expect(await response.json()).not.toHaveProperty("mode", "forward");
		expect((await settle(orderId)).status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1, reservations: 0 });
		const audit = (await getHistory(orderId, OPERATOR_KEY)).find((e) => e.type === "operator_action");
		expect(audit).not.toHaveProperty("mode");
	});

	it("forward is refused once something was undone: the dry run says why, the retry is 409, undoing still works", async () => {
		const orderId = await placeInDoubt("forward-undone", "error_after", "reserve");
		// The charge was refunded when the reservation's doubt ran out: there is nothing left to carry on with.
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 1 });
		const plans = await plansOf(orderId);
		expect(plans.forward).toEqual({ refusal: "already_undone", steps: [] });
		expect(plans.compensate.steps).toEqual([
			{ step: "reserve-inventory", kind: "action", does: "ask", onlyIf: null },
			{ step: "reserve-inventory:undo", kind: "undo", does: "run", onlyIf: "applied" },
		]);
		const refused = await retry(orderId, { reason: "carry on", mode: "forward" });
		expect(refused.status).toBe(409);
		expect(refused.headers.get("Content-Type")).toContain("application/problem+json");
		expect(await refused.json()).toMatchObject({ detail: expect.stringContaining("already (being) undone") });
		expect((await getStatus(orderId)).status).toBe("needs_attention");
		expect((await retry(orderId, { reason: "undo", mode: "compensate" })).status).toBe(202);
		expect((await settle(orderId)).status).toBe("compensated");
		expect(await effectCounts(orderId)).toMatchObject({ reservations: 1, releases: 1, refunds: 1 });
	});

	it("refuses a mode that is not one of the two, as a problem naming the field", async () => {
		const orderId = await placeInDoubt("bad-mode", "error_after");
		for (const mode of ["sideways", 5, null]) {
			const response = await retry(orderId, { reason: "x", mode });
			expect(response.status).toBe(400);
			expect(response.headers.get("Content-Type")).toContain("application/problem+json");
			expect(await response.json()).toMatchObject({ errors: [expect.objectContaining({ in: "body", path: "mode" })] });
		}
		expect((await getStatus(orderId)).status).toBe("needs_attention");
	});
});
