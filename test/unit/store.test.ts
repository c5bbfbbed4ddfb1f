import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Retention } from "../../src/engine/retention";
import { JournalWriteError, Store } from "../../src/engine/store";
import { newOrderId, orderStub } from "../helpers";

/** The object's storage, but for the journal's writes, which throw `error` while `failing()` says so. */
function failingWrites(storage: DurableObjectStorage, failing: () => boolean, error: string): DurableObjectStorage {
	const kv = {
		get: (key: string) => storage.kv.get(key),
		list: (options?: SyncKvListOptions) => storage.kv.list(options),
		delete: (key: string) => storage.kv.delete(key),
		put: (key: string, value: unknown) => {
			if (failing() && key.startsWith("journal:")) throw new Error(`the write failed: ${error}`);
			return storage.kv.put(key, value);
		},
	} as SyncKvStorage;
	return {
		sql: storage.sql,
		kv,
		transactionSync: <T>(work: () => T) => storage.transactionSync(work),
	} as unknown as DurableObjectStorage;
}

describe("a journal write that fails", () => {
	it("leaves memory as storage has it, fails whoever waited on it, and the next write goes on from there", async () => {
		await runInDurableObject(orderStub(newOrderId("store")), async (_, state) => {
			let failing = false;
			const store = new Store(
				failingWrites(state.storage, () => failing, "SQLITE_TOOBIG"),
				() => 1_000,
				Math.random,
			);
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

describe("an erasure whose journal entry cannot be written", () => {
	it("is rolled back with it: the data stays, nothing is recorded, and the next try erases and records both", async () => {
		await runInDurableObject(orderStub(newOrderId("erase")), async (_, state) => {
			let failing = false;
			const real = state.storage.sql;
			const storage = failingWrites(state.storage, () => failing, "SQLITE_IOERR");
			const store = new Store(storage, () => 5_000, Math.random);
			real.exec("CREATE TABLE kept (data TEXT)");
			real.exec("INSERT INTO kept VALUES ('ada@example.com')");
			const erase = () => {
				real.exec("UPDATE kept SET data = NULL");
				return ["email"];
			};
			const retention = new Retention(store, { afterMs: 1_000, erase });
			store.append({ type: "workflow_started", workflowId: "w", input: {} });
			store.append({ type: "workflow_finished", status: "completed", failure: null });
			store.flush();
			expect(retention.dueAt).toBe(6_000);

			const later = new Retention(new Store(storage, () => 6_000, Math.random), {
				afterMs: 1_000,
				erase,
			});
			failing = true;
			expect(() => later.eraseIfDue()).toThrow(JournalWriteError);
			expect(real.exec("SELECT data FROM kept").one().data).toBe("ada@example.com");

			failing = false;
			later.eraseIfDue();
			expect(real.exec("SELECT data FROM kept").one().data).toBeNull();
			const reloaded = new Store(storage, () => 6_000, Math.random);
			expect(reloaded.history().at(-1)).toMatchObject({ type: "data_erased", fields: ["email"] });
			expect(new Retention(reloaded, { afterMs: 1_000, erase }).dueAt).toBeNull();
		});
	});
});
