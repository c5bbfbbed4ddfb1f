import { describe, expect, it } from "vitest";
import { shareBreakers } from "../breakers";
import {
	api,
	cancelWhileCharging,
	cannotTell,
	crashAt,
	effectCounts,
	eventually,
	getHistory,
	injectFault,
	ledger,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeOrder,
	requestsFor,
	settle,
} from "../helpers";

/** What the journal says each question about `step` was answered, in order. */
const answers = async (orderId: string, step = "charge-payment") =>
	(await getHistory(orderId)).flatMap((e) => (e.type === "step_verified" && e.step === step ? [e.answer] : []));

describe("asking a service what became of a step in doubt", () => {
	it("the original still on its way when payments is asked: absent fences it, the retry charges once, the late original is refused", async () => {
		const orderId = newOrderId("late-original");
		// The first charge reaches payments only a second later, long after its attempt timed out (250 ms).
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "arrive_late", latencyMs: 1000 });
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(status.steps[0]).toMatchObject({ status: "succeeded", attempts: 2, verification: "absent" });
		expect((await getHistory(orderId)).find((e) => e.type === "step_verified")).toMatchObject({
			answer: "absent",
			fence: 1,
		});
		// The original arrives after the question: fenced, refused for good and recognisably; no second charge.
		const charges = await eventually(
			async () => requestsFor(await ledger(orderId), "charge"),
			(requests) => requests.some((r) => r.fault === "arrive_late"),
		);
		expect(charges.find((r) => r.fault === "arrive_late")).toMatchObject({
			status: 422,
			code: "idempotency_key_fenced",
		});
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0 });
	});

	it("when the budget runs out in doubt, payments is asked before a person: applied, and the order goes on", async () => {
		const orderId = newOrderId("budget-out-applied");
		await injectFault({
			service: "payments",
			operation: "charge",
			orderId,
			fault: "error_after",
			status: 502,
			times: 5,
		});
		// The questions before each retry fail; the one asked when the budget has run out is answered.
		await cannotTell(orderId, "payments", 4);
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "waiting", needsAttention: false });
		expect(status.steps[0]).toMatchObject({ status: "succeeded", attempts: 5, verification: "applied" });
		expect(await answers(orderId)).toEqual(["unknown", "unknown", "unknown", "unknown", "applied"]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1 });
	});

	it("when the budget runs out on a charge that never happened: absent, compensated without a person", async () => {
		const orderId = newOrderId("budget-out-absent");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 500, times: 5 });
		await cannotTell(orderId, "payments", 4);
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status).toMatchObject({ status: "compensated", needsAttention: false, failure: { step: "charge-payment" } });
		expect(await answers(orderId)).toEqual(["unknown", "unknown", "unknown", "unknown", "absent"]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 0, refunds: 0, reservations: 0 });
	});

	it("a failed question is asked again after its own backoff, never before", async () => {
		const orderId = newOrderId("asked-again");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 500, times: 5 });
		await cannotTell(orderId, "payments", 5);
		await placeOrder(orderBody(orderId));
		expect((await settle(orderId)).status).toBe("compensated");
		const questions = (await getHistory(orderId)).filter((e) => e.type === "step_verified");
		// Four before the retries (none asked again), then the budget ran out: two failures, each asked again at its time.
		expect(questions.map((e) => [e.answer, e.retryAt === null])).toEqual([
			["unknown", true],
			["unknown", true],
			["unknown", true],
			["unknown", true],
			["unknown", false],
			["absent", true],
		]);
		const [again, answered] = questions.slice(-2);
		expect(Date.parse(answered?.at ?? "")).toBeGreaterThanOrEqual(Date.parse(again?.retryAt ?? ""));
	});

	it("a cancel meets a charge in doubt that never happened: payments says absent, nothing to refund", async () => {
		const orderId = newOrderId("cancel-absent");
		// Every attempt fails until the cancel comes: a retry whose backoff drew a few ms may go before it.
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 500, times: 5 });
		const status = await cancelWhileCharging(orderId);
		expect(status.steps.map((s) => [s.name, s.status, s.verification])).toEqual([
			["charge-payment", "failed", "absent"],
		]);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 0, refunds: 0 });
		const charges = requestsFor(await ledger(orderId), "charge");
		expect(charges.length).toBeGreaterThan(0);
		expect(charges.every((r) => r.status === 500)).toBe(true);
	});

	it("a crash after payments answered, before the answer was journaled: asked again, the same answer", async () => {
		const orderId = newOrderId("crash-after-answer");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 500 });
		let returned = 0;
		// The first return is the attempt's 500; the second is the question's answer.
		await crashAt(orderId, (p) => p.at === "returned" && p.step === "charge-payment" && ++returned === 2);
		await placeOrder(orderBody(orderId));
		const status = await settle(orderId);
		expect(status.status).toBe("waiting");
		expect(await answers(orderId)).toEqual(["absent"]);
		const asked = requestsFor(await ledger(orderId), "verify");
		expect(asked).toHaveLength(2);
		expect(asked.every((r) => r.status === 200)).toBe(true);
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1 });
	});

	it("has its own breaker accounting: a failed question counts against payments like a failed call", async () => {
		const failures = async (label: string, cannot: boolean, expected: number) => {
			const prefix = newOrderId(label);
			shareBreakers(prefix);
			const orderId = `${prefix}-0`;
			await injectFault({ service: "payments", operation: "charge", orderId, fault: "error", status: 500 });
			if (cannot) await cannotTell(orderId, "payments", 1);
			await placeOrder(orderBody(orderId));
			expect((await settle(orderId)).status).toBe("waiting");
			const payments = async () => {
				const { downstreams } = await (await api("/downstreams", { key: OPERATOR_KEY })).json<{
					downstreams: { name: string; recentFailures: number }[];
				}>();
				return downstreams.find((d) => d.name === "payments");
			};
			const view = await eventually(payments, (d) => d?.recentFailures === expected);
			return view?.recentFailures;
		};
		// The attempt's 500 alone; then the attempt's and the failed question's.
		expect(await failures("questions-answered", false, 1)).toBe(1);
		expect(await failures("question-failed", true, 2)).toBe(2);
	});
});
