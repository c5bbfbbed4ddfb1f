import { canonical } from "../../sandbox/src/idempotency";
import type { JournalEntry } from "../../src/engine/events";
import { anyOf, idempotencyKey, undoStepName } from "../../src/engine/keys";
import type { Action, Json, Step, Workflow } from "../../src/engine/steps";

/** A recorded run: its journal, the order it ran for, and the bodies the services received under its keys. */
export interface Fixture {
	name: string;
	version: number;
	workflowId: string;
	order: unknown;
	entries: JournalEntry[];
	/** By idempotency key: the body as the sandbox's idempotency layer fingerprinted it ({ targetId, body }, canonical). */
	bodies: Record<string, { operation: string; body: string }>;
}

/** The recording ends here: the rest of the code has nothing recorded to be compared with. */
class EndOfRecording extends Error {}
/** The recorded step failed for good: the replay goes on into the undos, as the engine would. */
class RecordedFailure extends Error {}

interface Recorded {
	name: string;
	key: string | null;
	succeeded: boolean;
	failed: boolean;
	result: Json | undefined;
	/** For a wait for the first of several events: which came. */
	event: string | undefined;
	/** What its first attempt pinned of the configuration, if it pinned anything. */
	pinned: Json | undefined;
}

/** The journal's steps in the order they first appear: what the code must call, in that order. */
function recordedSteps(entries: readonly JournalEntry[]): Recorded[] {
	const steps = new Map<string, Recorded>();
	const of = (name: string) => {
		const step = steps.get(name) ?? {
			name,
			key: null,
			succeeded: false,
			failed: false,
			result: undefined,
			event: undefined,
			pinned: undefined,
		};
		steps.set(name, step);
		return step;
	};
	for (const e of entries) {
		if (e.type === "step_started") {
			of(e.step).key ??= e.idempotencyKey;
			of(e.step).pinned ??= e.pinned;
		}
		if (e.type === "event_waiting") of(e.step);
		if (e.type === "step_succeeded") Object.assign(of(e.step), { succeeded: true, result: e.result });
		if (e.type === "event_received") Object.assign(of(e.step), { succeeded: true, result: e.payload, event: e.event });
		// Its service said the step took effect: it succeeded with that result, as if the call had answered.
		if (e.type === "step_verified" && e.answer === "applied")
			Object.assign(of(e.step), { succeeded: true, failed: false, result: e.result });
		if (e.type === "step_failed" && e.retryAt === null) of(e.step).failed = true;
	}
	return [...steps.values()];
}

/**
 * What a step's action sent, captured instead of sent: the replay answers with the recorded result. A
 * pinned action gets what the journal pinned, as the engine gives it; with nothing pinned, it reads the
 * configuration as a first attempt would.
 */
async function captured(action: Action<unknown>, step: Recorded, key: string) {
	const real = globalThis.fetch;
	const sent: { url: string; body: unknown }[] = [];
	globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
		sent.push({ url: String(input), body: JSON.parse(String(init?.body ?? "null")) });
		return Response.json(step.result ?? { id: "replayed" }, { status: 201 });
	}) as typeof fetch;
	try {
		const call = { idempotencyKey: key, attempt: 1, signal: new AbortController().signal, traceparent: "" };
		if (typeof action === "function") await action(call);
		else await action.send(call, step.pinned ?? (await action.pin()));
	} catch {
		// A refusal the replay invented changes nothing: only what was sent is compared.
	} finally {
		globalThis.fetch = real;
	}
	return sent;
}

/**
 * Replays a recorded journal against a version's code, as the engine would on a wake after a deploy,
 * and says where the code would now do something else with an order already under way: another step
 * (name, order or key), or another body under a key already used. Empty: the code replays it exactly.
 */
export async function replay(fixture: Fixture, workflow: Workflow<unknown>): Promise<string[]> {
	const recorded = recordedSteps(fixture.entries);
	const forward = recorded.filter((s) => !s.name.endsWith(":undo"));
	const undos = recorded.filter((s) => s.name.endsWith(":undo"));
	const where = `version ${fixture.version}, recording "${fixture.name}"`;
	const problems: string[] = [];
	const done: { name: string; undo?: (result: never) => Action<unknown>; result: Json }[] = [];
	let next = 0;

	const expect = (name: string): Recorded => {
		const step = forward[next++];
		if (!step) throw new EndOfRecording();
		if (step.name !== name) {
			problems.push(`${where}: the code now runs step "${name}" where the journal has "${step.name}"`);
			throw new EndOfRecording();
		}
		return step;
	};
	const compare = async (step: Recorded, name: string, action: Action<unknown>) => {
		const key = idempotencyKey(fixture.workflowId, name);
		if (step.key !== null && step.key !== key)
			problems.push(`${where}: step "${name}" now sends key ${key} where the journal has ${step.key}`);
		const recordedBody = fixture.bodies[key];
		for (const { url, body } of await captured(action, step, key)) {
			const targetId = /\/([^/]+)\/(?:release|cancel)$/.exec(new URL(url).pathname)?.[1];
			const now = canonical({ targetId: targetId && decodeURIComponent(targetId), body });
			if (recordedBody && recordedBody.body !== now)
				problems.push(
					`${where}: step "${name}" now sends ${now} under key ${key}, which received ${recordedBody.body}`,
				);
		}
	};

	const step: Step = {
		run: async (name, action, options) => {
			const recordedStep = expect(name);
			await compare(recordedStep, name, action);
			if (recordedStep.failed) throw new RecordedFailure();
			if (!recordedStep.succeeded) throw new EndOfRecording();
			done.push({ name, undo: options?.undo as never, result: recordedStep.result as Json });
			return recordedStep.result as never;
		},
		waitForEvent: async (name) => {
			const recordedStep = expect(name);
			if (recordedStep.failed) throw new RecordedFailure();
			if (!recordedStep.succeeded) throw new EndOfRecording();
			return recordedStep.result as Json;
		},
		waitForAny: async (names) => {
			const recordedStep = expect(anyOf(names));
			if (recordedStep.failed) throw new RecordedFailure();
			if (!recordedStep.succeeded) throw new EndOfRecording();
			return { event: recordedStep.event ?? recordedStep.name, payload: recordedStep.result as Json };
		},
		// The workflow gave up on what came: what it did is undone, as after a recorded failure.
		fail: () => {
			throw new RecordedFailure();
		},
	};

	try {
		await workflow.run(fixture.order, step);
	} catch (error) {
		if (error instanceof RecordedFailure) await replayUndos();
		else if (!(error instanceof EndOfRecording)) problems.push(`${where}: the code threw ${String(error)}`);
	}
	return problems;

	/** The engine undoes completed steps in reverse: the recorded undos must be those, in that order. */
	async function replayUndos() {
		const expected = done.filter((d) => d.undo).toReversed();
		for (const [i, recordedUndo] of undos.entries()) {
			const d = expected[i];
			if (!d?.undo || undoStepName(d.name) !== recordedUndo.name) {
				problems.push(
					`${where}: the code now undoes ${d ? `"${d.name}"` : "nothing"} where the journal has "${recordedUndo.name}"`,
				);
				return;
			}
			const undo = d.undo;
			await compare(recordedUndo, recordedUndo.name, undo(d.result as never));
		}
	}
}
