import type { OrderStatus } from "../../src/order/status";
import { API_KEY, act, api, confirmPick, crash, fireAlarm, ledger, storedState } from "../helpers";
import { type CaseSpec, type HistoryEntry, type Observation, orderFor, type Violation } from "./case";
import { CrashPlan, isCrash } from "./crash-plan";
import { deadLetterCount } from "./dead-letters";
import { injectFaults } from "./faults";
import { type Rng, rng } from "./prng";
import { WAREHOUSE } from "./warehouse";

/** Nothing runs until a timer or an event. */
export const settled = (status: string) => status !== "running" && status !== "compensating";
/** Settled, and not waiting for the warehouse either. */
export const finished = (status: string) => settled(status) && status !== "waiting";

/** Generous: the worst matrix case (every attempt of three undos failing, crashes on top) needs about 40. */
const MAX_ROUNDS = 400;
/** Rounds with nothing running and no alarm to fire before the order counts as stuck (a real alarm may be firing). */
const STUCK_ROUNDS = 25;
/** Client and warehouse retry a 5xx up to this often; with backoff that is about six seconds. */
const MAX_TRIES = 8;

/**
 * Drives one order through one case the way its client, the warehouse and the platform would: places
 * it, fires its alarms whenever it waits on a timer (an alarm's delivery moves the engine's time to
 * its scheduled time, so no test waits for real), retries requests cut off by a crash, and records
 * every checkpoint, call and surprise on the way.
 */
export class CaseRun {
	readonly plan: CrashPlan;
	readonly calls: string[] = [];
	readonly incidents: Violation[] = [];
	/** Hiccups of the test platform, not of the engine: retried, counted in the report. */
	readonly notes: string[] = [];
	accepted = false;
	/** The workflow's status when the driver last looked; null: not started. */
	last: string | null = null;
	private readonly rest: Rng | null;

	constructor(readonly spec: CaseSpec) {
		this.plan = new CrashPlan(spec.crashes);
		this.rest = spec.restCrashes ? rng(spec.restCrashes.seed) : null;
	}

	get orderId(): string {
		return this.spec.orderId;
	}

	incident(invariant: string, message: string): void {
		this.incidents.push({ invariant, message });
	}

	/** The client places the order, and places it again while the answer is a 5xx. */
	async place(): Promise<void> {
		const response = await this.send("POST /orders", () =>
			api("/orders", { method: "POST", body: orderFor(this.spec) }),
		);
		if (response.status === 202 || response.status === 200) this.accepted = true;
		else this.incident("api", `placing the order answered ${response.status}: ${await response.text()}`);
	}

	/** The warehouse's callback, sent again while the answer is a 5xx; returns the final status code. */
	async pick(token: string, label: string): Promise<number> {
		const response = await this.send(`pick (${label})`, () => confirmPick(this.orderId, token));
		if (response.status >= 500) this.incident("api", `the ${label} pick kept answering ${response.status}`);
		return response.status;
	}

	/** The customer cancels, with one Idempotency-Key, so that a retry after a crash is the same request. */
	async cancel(): Promise<number> {
		const key = `${this.orderId}:cancel`;
		const response = await this.send("cancel", () =>
			act(this.orderId, "cancel", { key: API_KEY, idempotencyKey: key }),
		);
		if (response.status >= 500) this.incident("api", `the cancel kept answering ${response.status}`);
		return response.status;
	}

	async status(): Promise<OrderStatus | null> {
		const response = await this.read(`/orders/${this.orderId}`);
		if (response.status === 404) return null;
		const status = await response.json<OrderStatus>();
		this.last = status.status;
		return status;
	}

	async history(): Promise<HistoryEntry[]> {
		const response = await this.read(`/orders/${this.orderId}/history`);
		return response.status === 200 ? (await response.json<{ events: HistoryEntry[] }>()).events : [];
	}

	/** Reads come from the object's memory and never write: a 5xx is an incident, not a reason to retry forever. */
	private async read(path: string): Promise<Response> {
		const response = await this.send(`GET ${path}`, () => api(path), false);
		if (response.status !== 200 && response.status !== 404)
			throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
		return response;
	}

	/**
	 * Sends a request again while it answers 5xx, as a client or warehouse would. Expected when an
	 * injected crash cut it off (retried at once); otherwise noted and retried with backoff, because
	 * the test runtime's SQLite stays locked for a few seconds after some aborts (see the report).
	 */
	private async send(label: string, request: () => Promise<Response>, log = true): Promise<Response> {
		let response = new Response(null, { status: 599 });
		for (let tries = 0; tries < MAX_TRIES; tries++) {
			const before = this.plan.crashes;
			await this.plan.arm(this.orderId);
			response = await request();
			if (log || response.status >= 500) this.calls.push(`${label} -> ${response.status}`);
			if (response.status < 500) return response;
			if (this.plan.crashes !== before) continue;
			this.notes.push(`${label} answered ${response.status} with no crash injected under it; retried`);
			await scheduler.wait(50 * 2 ** tries);
		}
		return response;
	}

	/**
	 * Lets runs finish and fires alarms until `until` holds. `beforeAlarm` runs whenever the order is
	 * idle on a timer (the early warehouse uses it). Returns the last status; an order that gets stuck
	 * (running, nothing under way, no alarm) or never gets there is an incident, not an exception, so
	 * that the case is still checked and reported in full.
	 */
	async drive(until: (status: string) => boolean, beforeAlarm?: () => Promise<void>): Promise<string | null> {
		let idle = 0;
		for (let round = 0; round < MAX_ROUNDS; round++) {
			const probe = await this.plan.arm(this.orderId);
			if (probe.busy) {
				await scheduler.wait(2);
				continue;
			}
			this.last = probe.status;
			if (probe.status === null || until(probe.status)) return probe.status;
			await beforeAlarm?.();
			// Rolled only when an alarm is due, so the stream of choices does not depend on how often the loop polls.
			if (this.rest && idle === 0 && this.spec.restCrashes && this.rest.chance(this.spec.restCrashes.chance)) {
				await crash(this.orderId);
				this.plan.restCrash();
				continue;
			}
			if (await this.fire()) {
				idle = 0;
				continue;
			}
			if (++idle >= STUCK_ROUNDS) {
				this.incident("settled", `stuck: ${probe.status}, nothing running and no alarm`);
				return probe.status;
			}
			await scheduler.wait(4);
		}
		this.incident("settled", `did not settle in ${MAX_ROUNDS} rounds: still ${this.last}`);
		return this.last;
	}

	/**
	 * Fires the alarm as if its time had come. A crash it runs into is the plan's doing; the next round
	 * recovers. Any other error is retried for a few seconds first: after some aborts the test runtime
	 * answers "internal error" (SQLite busy) until the dead instance lets go of the database.
	 */
	private async fire(): Promise<boolean> {
		for (let tries = 0; ; tries++) {
			try {
				const fired = await fireAlarm(this.orderId);
				this.calls.push(fired ? "alarm" : "no alarm");
				return fired;
			} catch (error) {
				if (isCrash(error)) {
					this.calls.push("alarm crashed");
					return true;
				}
				if (tries < MAX_TRIES) {
					this.notes.push(`the alarm threw ${String(error)}; retried`);
					await scheduler.wait(50 * 2 ** tries);
					continue;
				}
				// The engine keeps its own schedule and must not lean on the platform's alarm retries.
				this.incident("settled", `the alarm handler kept throwing: ${String(error)}`);
				return true;
			}
		}
	}

	async observe(startedAt: number): Promise<Observation> {
		const status = await this.status();
		const attention = status?.needsAttention ?? false;
		return {
			spec: this.spec,
			status,
			history: status ? await this.history() : [],
			ledger: await ledger(this.orderId),
			alarm: (await storedState(this.orderId)).alarm,
			accepted: this.accepted,
			trace: this.plan.trace,
			checkpoints: { ...this.plan.seen },
			crashes: this.plan.crashes,
			incidents: this.incidents,
			notes: this.notes,
			calls: this.calls,
			deadLetters: deadLetterCount && status ? await deadLetterCount(this.orderId, attention) : null,
			elapsedMs: Date.now() - startedAt,
		};
	}
}

/** Runs one case from start to finish and returns what the invariants need. */
export async function runCase(spec: CaseSpec): Promise<Observation> {
	const startedAt = Date.now();
	const run = new CaseRun(spec);
	await injectFaults(spec.orderId, spec.faults);
	await run.place();
	if (run.accepted) await WAREHOUSE[spec.warehouse](run);
	return run.observe(startedAt);
}
