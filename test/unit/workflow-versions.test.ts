import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WorkflowEngine } from "../../src/engine/engine";
import { PermanentError } from "../../src/engine/errors";
import type { Workflow } from "../../src/engine/steps";
import type { WorkflowVersions } from "../../src/engine/versions";
import { newOrderId, orderStub } from "../helpers";

/** A two-step workflow around a wait, in two versions that differ in their step names and undos. */
function versions(ran: string[], failLast = false): WorkflowVersions<unknown> {
	const make = (v: string, first: string): Workflow<unknown> => ({
		run: async (_, step) => {
			await step.run(first, async () => ran.push(`${v}:${first}`), {
				undo: () => async () => ran.push(`${v}:undo ${first}`),
			});
			await step.waitForEvent("picked", { timeoutMs: 3_600_000, timeoutCode: "late" });
			await step.run("confirm", async () => {
				ran.push(`${v}:confirm`);
				if (failLast) throw new PermanentError("refused", "no");
				return true;
			});
		},
	});
	return { 1: make("v1", "charge"), 2: make("v2", "charge-card") };
}

/** Runs `test` with engines on one object's storage: each `engine(...)` is the code of another deploy. */
function onOneObject(
	test: (engine: (workflows: WorkflowVersions<unknown>) => WorkflowEngine<unknown>) => Promise<void>,
): Promise<void> {
	return runInDurableObject(orderStub(newOrderId("versions")), (_, state) =>
		test((workflows) => new WorkflowEngine(state.storage, { workflows, parseInput: (input) => input })),
	);
}

describe("workflow versions: an order runs on the version it started with", () => {
	it("finishes on version 1's code after version 2 is added and becomes the default", async () => {
		const ran: string[] = [];
		const all = versions(ran);
		await onOneObject(async (engine) => {
			const before = engine({ 1: all[1] as Workflow<unknown> });
			await before.start("v-order", {});
			await before.wake();
			expect(before.state).toMatchObject({ workflowVersion: 1, status: "waiting" });

			const after = engine(all);
			expect(await after.deliver("picked", {})).toBe("accepted");
			await after.wake();
			expect(after.state.status).toBe("completed");
			expect(after.history()[0]).toMatchObject({ type: "workflow_started", version: 1 });
		});
		expect(ran).toEqual(["v1:charge", "v1:confirm"]);
		await onOneObject(async (engine) => {
			const fresh = engine(all);
			await fresh.start("v-order-2", {});
			await fresh.wake();
			expect(fresh.state.workflowVersion).toBe(2);
		});
		expect(ran.at(-1)).toBe("v2:charge-card");
	});

	it("compensates a version-1 order with version 1's undos", async () => {
		const ran: string[] = [];
		await onOneObject(async (engine) => {
			const before = engine({ 1: versions(ran, true)[1] as Workflow<unknown> });
			await before.start("v-undo", {});
			await before.wake();
			const after = engine(versions(ran, true));
			await after.deliver("picked", {});
			await after.wake();
			expect(after.state.status).toBe("compensated");
		});
		expect(ran).toEqual(["v1:charge", "v1:confirm", "v1:undo charge"]);
	});

	it("never replays an order on other code: a version the code no longer has needs a person", async () => {
		const ran: string[] = [];
		await onOneObject(async (engine) => {
			const before = engine({ 1: versions(ran)[1] as Workflow<unknown> });
			await before.start("v-gone", {});
			await before.wake();
			const after = engine({ 2: versions(ran)[2] as Workflow<unknown> });
			await after.deliver("picked", {});
			await after.wake();
			expect(after.state.status).toBe("needs_attention");
			expect(after.state.failure).toMatchObject({ code: "unknown_workflow_version" });
			expect(after.state.failure?.message).toContain("workflow version 1, which this code no longer has");
		});
		expect(ran).toEqual(["v1:charge"]);
	});
});
