import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { JournalWriteError, Store } from "../../src/engine/store";
import { newOrderId, orderStub } from "../helpers";

describe("a journal write that fails", () => {
	it("leaves memory as storage has it, fails whoever waited on it, and the next write goes on from there", async () => {
		await runInDurableObject(orderStub(newOrderId("store")), async (_, state) => {
			let failing = false;
			const real = state.storage.sql;
			const sql = {
				exec: (query: string, ...bindings: unknown[]) => {
					if (failing && query.startsWith("INSERT")) throw new Error("string or blob too big: SQLITE_TOOBIG");
					return real.exec(query, ...bindings);
				},
			} as SqlStorage;
			const store = new Store({ sql } as DurableObjectStorage, () => 1_000, Math.random);
			store.append({ type: "workflow_started", workflowId: "w", input: {} });
			store.flush();

			failing = true;
			store.append({ type: "event_received", step: "pick", payload: {} });
			expect(store.state.steps.has("pick")).toBe(true);
			const waiter = store.flushed();
			expect(() => store.flush()).toThrow(JournalWriteError);
			await expect(waiter).rejects.toThrow("SQLITE_TOOBIG");
			expect(store.state.steps.has("pick")).toBe(false);
			expect(store.state.version).toBe(1);

			failing = false;
			store.append({ type: "event_received", step: "pick", payload: {} });
			store.flush();
			expect(store.history().map((e) => [e.seq, e.type])).toEqual([
				[1, "workflow_started"],
				[2, "event_received"],
			]);
		});
	});
});
