import { describe, expect, it } from "vitest";
import type { JournalEntry, JournalEvent } from "../../src/engine/events";
import { WorkflowState } from "../../src/engine/state";
import { WATCHDOG_GRACE_MS } from "../../src/engine/step-state";

function journal(...events: [number, JournalEvent][]): JournalEntry[] {
	return events.map(([at, event], i) => ({ seq: i + 1, at, ...event }));
}
const error = { kind: "retryable", code: "http_500", message: "boom" } as const;

describe("the state folded from the journal", () => {
	it("tracks a step through attempts, retries and success", () => {
		const state = new WorkflowState(
			journal(
				[1, { type: "workflow_started", workflowId: "w", input: {} }],
				[2, { type: "step_started", step: "a", kind: "action", attempt: 1, idempotencyKey: "w:a", timeoutAt: 12 }],
				[3, { type: "step_failed", step: "a", attempt: 1, error, retryAt: 50 }],
			),
		);
		expect(state.status).toBe("running");
		expect(state.activeStep).toMatchObject({ name: "a", status: "retrying", attempts: 1, nextAttemptAt: 50 });
		expect(state.nextWakeAt).toBe(50);

		state.apply({
			seq: 4,
			at: 50,
			type: "step_started",
			step: "a",
			kind: "action",
			attempt: 2,
			idempotencyKey: "w:a",
			timeoutAt: 60,
		});
		expect(state.nextWakeAt).toBe(60 + WATCHDOG_GRACE_MS);
		state.apply({ seq: 5, at: 55, type: "step_succeeded", step: "a", result: { id: "x" } });
		expect(state.steps.get("a")).toMatchObject({ status: "succeeded", attempts: 2, startedAt: 2, finishedAt: 55 });
		expect(state.nextWakeAt).toBeNull();
	});

	it("keeps an unknown outcome through answers that settle nothing, and drops it at a definitive one", () => {
		const unknown = { kind: "unknown_outcome", code: "http_502", message: "bad gateway" } as const;
		const inUse = { kind: "retryable", code: "key_in_use", message: "409" } as const;
		const refused = { kind: "permanent", code: "card_declined", message: "402" } as const;
		const started = (seq: number, attempt: number): JournalEntry => ({
			seq,
			at: seq,
			type: "step_started",
			step: "a",
			kind: "action",
			attempt,
			idempotencyKey: "w:a",
			timeoutAt: seq + 10,
		});
		const state = new WorkflowState(journal([1, { type: "workflow_started", workflowId: "w", input: {} }]));
		const call = () => {
			const step = state.steps.get("a");
			return step?.kind === "event" ? undefined : step;
		};
		state.apply(started(2, 1));
		state.apply({ seq: 3, at: 3, type: "step_failed", step: "a", attempt: 1, error: unknown, retryAt: 5 });
		expect(call()?.outcomeUnknown).toBe(true);
		state.apply(started(4, 2));
		state.apply({ seq: 5, at: 5, type: "step_failed", step: "a", attempt: 2, error: inUse, retryAt: 9 });
		expect(call()?.outcomeUnknown).toBe(true);
		state.apply(started(6, 3));
		state.apply({ seq: 7, at: 7, type: "step_failed", step: "a", attempt: 3, error: refused, retryAt: null });
		expect(call()).toMatchObject({ status: "failed", outcomeUnknown: false });
	});

	it("records the kind of a step from the journal, not from its name", () => {
		const state = new WorkflowState(
			journal(
				[1, { type: "workflow_started", workflowId: "w", input: {} }],
				[2, { type: "step_started", step: "refund", kind: "undo", attempt: 1, idempotencyKey: "w:r", timeoutAt: 9 }],
				[3, { type: "event_received", step: "pick", payload: {} }],
			),
		);
		expect(state.steps.get("refund")?.kind).toBe("undo");
		expect(state.steps.get("pick")?.kind).toBe("event");
	});

	it("wakes a waiting step for its reminder, then for its deadline", () => {
		const state = new WorkflowState(
			journal(
				[1, { type: "workflow_started", workflowId: "w", input: {} }],
				[2, { type: "event_waiting", step: "pick", deadline: 100, remindAt: 50 }],
			),
		);
		expect(state.status).toBe("waiting");
		expect(state.nextWakeAt).toBe(50);
		state.apply({ seq: 3, at: 50, type: "event_reminder", step: "pick", deadline: 100 });
		expect(state.nextWakeAt).toBe(100);
		state.apply({ seq: 4, at: 60, type: "event_received", step: "pick", payload: { by: "x" } });
		expect(state.status).toBe("running");
		expect(state.nextWakeAt).toBeNull();
	});

	it("reports compensation, then the final status", () => {
		const failure = { step: "b", code: "out_of_stock", message: "none" };
		const state = new WorkflowState(
			journal(
				[1, { type: "workflow_started", workflowId: "w", input: {} }],
				[2, { type: "compensation_started", failure }],
			),
		);
		expect(state.status).toBe("compensating");
		expect(state.failure).toEqual(failure);
		state.apply({ seq: 3, at: 3, type: "workflow_finished", status: "compensated", failure });
		expect(state.status).toBe("compensated");
		expect(state.nextWakeAt).toBeNull();
	});
});
