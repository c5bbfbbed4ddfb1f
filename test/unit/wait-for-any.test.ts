import { describe, expect, it } from "vitest";
import type { JournalEntry, JournalEvent } from "../../src/engine/events";
import { planDelivery } from "../../src/engine/inbound";
import { WorkflowState } from "../../src/engine/state";

const ANSWERS = ["picked", "cannot-pick"] as const;
const declared = { events: [ANSWERS], pointOfNoReturn: "picked" };
const STEP = "picked|cannot-pick";

function state(...events: JournalEvent[]): WorkflowState {
	const entries: JournalEntry[] = [{ type: "workflow_started", workflowId: "w", input: {} }, ...events].map(
		(event, i) => ({ seq: i + 1, at: i + 1, ...event }) as JournalEntry,
	);
	return new WorkflowState(entries);
}
const waiting = (): JournalEvent => ({
	type: "event_waiting",
	step: STEP,
	deadline: 1000,
	remindAt: 500,
	events: [...ANSWERS],
});

describe("delivering one of a wait's alternatives", () => {
	it("the first accepted lands on the wait's one step, naming which came; only the point of no return commits", () => {
		const cannot = planDelivery(state(waiting()), "cannot-pick", { reason: "damaged" }, 10, declared);
		expect(cannot).toEqual({
			delivery: "accepted",
			events: [{ type: "event_received", step: STEP, event: "cannot-pick", payload: { reason: "damaged" } }],
		});
		const picked = planDelivery(state(waiting()), "picked", { by: "x" }, 10, declared);
		expect(picked.events).toContainEqual({ type: "point_of_no_return" });
	});

	it("once one came: the other is gone, the winner again is a duplicate with the same payload and gone with another", () => {
		const s = state(waiting(), { type: "event_received", step: STEP, event: "picked", payload: { by: "x" } });
		expect(planDelivery(s, "cannot-pick", { reason: "damaged" }, 10, declared).delivery).toBe("gone");
		expect(planDelivery(s, "picked", { by: "x" }, 10, declared).delivery).toBe("duplicate");
		expect(planDelivery(s, "picked", { by: "y" }, 10, declared).delivery).toBe("gone");
	});

	it("before the workflow waits, the first to arrive still wins", () => {
		const early = state({ type: "event_received", step: STEP, event: "cannot-pick", payload: {} });
		expect(planDelivery(early, "picked", {}, 10, declared).delivery).toBe("gone");
	});

	it("an event the workflow never waits for is gone; past the deadline, gone and late", () => {
		expect(planDelivery(state(waiting()), "lost-it", {}, 10, declared).delivery).toBe("gone");
		expect(planDelivery(state(waiting()), "picked", {}, 1000, declared)).toMatchObject({
			delivery: "gone",
			late: true,
		});
	});

	it("a wait for one event keeps its old contract: a repeat is a duplicate, whatever it carries", () => {
		const one = { events: [["picked"]] };
		const s = state({ type: "event_received", step: "picked", payload: { by: "x" } });
		expect(planDelivery(s, "picked", { by: "y" }, 10, one).delivery).toBe("duplicate");
		expect(planDelivery(state(), "picked", {}, 10, undefined).events).toEqual([
			{ type: "event_received", step: "picked", payload: {} },
		]);
	});
});
