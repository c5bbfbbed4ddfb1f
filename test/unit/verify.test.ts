import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { StepError } from "../../src/engine/errors";
import type { JournalEntry, JournalEvent } from "../../src/engine/events";
import { verifyJson } from "../../src/engine/http";
import { retryPolicy, verifyPolicy } from "../../src/engine/retry-policy";
import { WorkflowState } from "../../src/engine/state";

function journal(...events: [number, JournalEvent][]): JournalEntry[] {
	return events.map(([at, event], i) => ({ seq: i + 1, at, ...event }));
}
const timeout = { kind: "unknown_outcome", code: "timeout", message: "no answer" } as const;
const inDoubt: [number, JournalEvent][] = [
	[1, { type: "workflow_started", workflowId: "w", input: {} }],
	[2, { type: "step_started", step: "a", kind: "action", attempt: 1, idempotencyKey: "w:a", timeoutAt: 12 }],
	[3, { type: "step_failed", step: "a", attempt: 1, error: timeout, retryAt: 50 }],
];

describe("what a question about a step in doubt does to its state", () => {
	it("applied: the step succeeded with the service's result, nothing due", () => {
		const state = new WorkflowState(
			journal(...inDoubt, [
				40,
				{ type: "step_verified", step: "a", answer: "applied", fence: 1, result: { id: "x" }, retryAt: null },
			]),
		);
		expect(state.steps.get("a")).toMatchObject({
			status: "succeeded",
			result: { id: "x" },
			outcomeUnknown: false,
			attempts: 1,
			verification: { at: 40, answer: "applied" },
		});
		expect(state.nextWakeAt).toBeNull();
	});

	it("absent: no longer in doubt; a step failed for good stays failed, one retrying keeps its retry", () => {
		const absent: [number, JournalEvent] = [
			40,
			{ type: "step_verified", step: "a", answer: "absent", fence: 1, retryAt: null },
		];
		const retrying = new WorkflowState(journal(...inDoubt, absent));
		expect(retrying.steps.get("a")).toMatchObject({ status: "retrying", outcomeUnknown: false, nextAttemptAt: 50 });
		const failedForGood = journal(
			...inDoubt.slice(0, 2),
			[3, { type: "step_failed", step: "a", attempt: 1, error: timeout, retryAt: null }],
			absent,
		);
		const failed = new WorkflowState(failedForGood);
		expect(failed.steps.get("a")).toMatchObject({ status: "failed", outcomeUnknown: false });
		expect(failed.redriveTargets.map((s) => s.name)).toEqual(["a"]);
	});

	it("unknown: still in doubt; a failed step waiting to be asked again is unsettled, and its alarm is the question's", () => {
		const state = new WorkflowState(
			journal(
				...inDoubt.slice(0, 2),
				[3, { type: "step_failed", step: "a", attempt: 1, error: timeout, retryAt: null }],
				[4, { type: "step_verified", step: "a", answer: "unknown", fence: 1, error: timeout, retryAt: 900 }],
			),
		);
		expect(state.steps.get("a")).toMatchObject({
			status: "failed",
			outcomeUnknown: true,
			verifyTries: 1,
			verifyRetryAt: 900,
		});
		expect(state.activeStep?.name).toBe("a");
		expect(state.status).toBe("running");
		expect(state.nextWakeAt).toBe(900);
	});

	it("a new attempt, or a redrive, asks afresh", () => {
		const state = new WorkflowState(
			journal(
				...inDoubt,
				[40, { type: "step_verified", step: "a", answer: "unknown", fence: 1, error: timeout, retryAt: null }],
				[50, { type: "step_started", step: "a", kind: "action", attempt: 2, idempotencyKey: "w:a", timeoutAt: 60 }],
			),
		);
		expect(state.steps.get("a")).toMatchObject({ verifyTries: 0, verification: { answer: "unknown" } });
	});
});

describe("the verify policy", () => {
	it("is small, and never gives a question longer than one of the step's attempts", () => {
		expect(verifyPolicy(retryPolicy())).toMatchObject({ maxAttempts: 3, attemptTimeoutMs: 5_000 });
		expect(verifyPolicy(retryPolicy({ attemptTimeoutMs: 250 })).attemptTimeoutMs).toBe(250);
		expect(verifyPolicy(retryPolicy(), { maxAttempts: 1 }).maxAttempts).toBe(1);
	});
});

describe("the verify contract as the engine reads it", () => {
	const real = globalThis.fetch;
	afterEach(() => {
		globalThis.fetch = real;
	});
	const answering = (status: number, body: unknown) => {
		const sent: Request[] = [];
		globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
			sent.push(new Request(input, init));
			return typeof body === "string" ? new Response(body, { status }) : Response.json(body, { status });
		}) as typeof fetch;
		return sent;
	};
	const call = {
		idempotencyKey: "o-1:charge-payment",
		fence: 3,
		signal: new AbortController().signal,
		traceparent: "t",
	};
	const ask = () =>
		verifyJson("https://pay.test/verifications", { orderId: "o-1" }, call, z.object({ id: z.string() }));
	const unknown = async () => {
		const error = await ask().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StepError);
		return error as StepError;
	};

	it("sends the key asked about and the last attempt to fence", async () => {
		const sent = answering(200, { outcome: "absent", fenced: true });
		expect(await ask()).toEqual({ answer: "absent" });
		expect(sent[0]?.headers.get("Idempotency-Key")).toBe("o-1:charge-payment");
		expect(sent[0]?.headers.get("Idempotency-Fence")).toBe("3");
	});

	it("reads applied with the step's own schema", async () => {
		answering(200, { outcome: "applied", result: { id: "ch_1" } });
		expect(await ask()).toEqual({ answer: "applied", result: { id: "ch_1" } });
		answering(200, { outcome: "applied", result: { nope: true } });
		expect((await unknown()).code).toBe("unreadable_response");
	});

	it("never believes an absent the service does not say it fenced, nor anything else", async () => {
		answering(200, { outcome: "absent" });
		expect((await unknown()).kind).toBe("unknown_outcome");
		answering(503, { code: "busy" });
		expect((await unknown()).code).toBe("busy");
		answering(200, "<html>");
		expect((await unknown()).code).toBe("unreadable_response");
	});
});
