import { runDurableObjectAlarm } from "cloudflare:test";
import type { OrderStatus } from "../../src/order/status";
import { slowAdmissionsOf } from "../breakers";
import { advanceClockTo, clockOf } from "../clock";
import {
	API_KEY,
	act,
	api,
	confirmPick,
	crash,
	inObject,
	ledger,
	OPERATOR_KEY,
	orderStub,
	reportCannotPick,
	shipmentToken,
} from "../helpers";
import { clearPlatformFaults, failDatabase, failQueue } from "../platform-faults";
import { type Answer, type CaseSpec, type HistoryEntry, type Observation, orderFor, type Violation } from "./case";
import { CRASH_MESSAGE, CrashPlan, isCrash } from "./crash-plan";
import type { Interleaved } from "./families";
import { echoOf, holdCalls, injectFaults, LATE_ARRIVAL_MS } from "./faults";
import { type Rng, rng } from "./prng";
import { expectedAlerts, expectedProjection, settledAlerts, settledProjection } from "./projection";
import { type BreakerSeen, type Driven, Simulation } from "./simulation";
import { WAREHOUSE } from "./warehouse";
import type { WorldSpec } from "./world-spec";

/** Nothing runs until a timer or an event. */
export const settled = (status: string) => status !== "running" && status !== "compensating";
/** Settled, and not waiting for the warehouse either. */
export const finished = (status: string) => settled(status) && status !== "waiting";

/** Client and warehouse retry a 5xx up to this often; with backoff that is about six seconds. */
const MAX_TRIES = 8;
/**
 * A request with no answer after this long, in ms, is sent again: the test runtime sometimes loses
 * one after an abort. An engine that hangs would hang every retry, and the case would say so.
 */
const REQUEST_LIMIT_MS = 15_000;
/** The same for the probe that installs the crash plan, which answers at once when the object is well. */
const ARM_LIMIT_MS = 3_000;

async function withinLimit(response: Promise<Response>, onTimeout: () => Response): Promise<Response> {
	let timer: number | undefined;
	const late = new Promise<Response>((resolve) => {
		timer = setTimeout(() => resolve(onTimeout()), REQUEST_LIMIT_MS);
	});
	const first = await Promise.race([response, late]);
	if (timer !== undefined) clearTimeout(timer);
	return first;
}

/** Hand-overs still owed once the order rests: delivered within this many alarms. */
const DRAIN_ROUNDS = 20;

/**
 * Drives one order through one case the way its client, the warehouse, people and the platform
 * would: places it, delivers its alarms when their time comes (moving the order's clock there, or
 * past it, or sometimes not at all), sends requests while calls are in flight, retries requests cut
 * off by a crash, and records every checkpoint, call and surprise on the way.
 */
export class CaseRun implements Driven {
	readonly plan: CrashPlan;
	readonly calls: string[] = [];
	readonly incidents: Violation[] = [];
	/** Hiccups of the test platform, not of the engine: retried, counted in the report. */
	readonly notes: string[] = [];
	readonly answers: Answer[] = [];
	accepted = false;
	/** The workflow's status when the driver last looked; null: not started. */
	last: string | null = null;
	private readonly rest: Rng | null;
	private readonly timing: Rng | null;
	private readonly interleaving: Promise<void>[] = [];
	/** Set once the case is over: a request waiting for a call that never came gives up. */
	private ended = false;
	/** Crashes the driver has answered with a delivery of the alarm handler, as the platform retries one a crash cut off. */
	private crashesRedelivered = 0;

	constructor(
		readonly spec: CaseSpec,
		private readonly world: Simulation,
	) {
		this.plan = new CrashPlan(spec.crashes, spec.midCall);
		this.rest = spec.restCrashes ? rng(spec.restCrashes.seed) : null;
		this.timing = spec.timing ? rng(spec.timing.seed) : null;
		world.add(this);
	}

	/** Starts watching for the calls that requests land in the middle of. */
	watchCalls(): void {
		for (const { call, action, during } of this.spec.interleave)
			this.interleaving.push(this.whenCalling(call, action, during ?? "call"));
	}

	log(line: string): void {
		this.calls.push(line);
	}

	owesRedelivery(): boolean {
		return this.plan.crashes !== this.crashesRedelivered;
	}

	/** At each alarm the world delivers to it, with the case's chance: a crash at rest first. */
	async restCrash(): Promise<boolean> {
		if (!this.rest || !this.spec.restCrashes || !this.rest.chance(this.spec.restCrashes.chance)) return false;
		await crash(this.orderId);
		this.plan.restCrash();
		return true;
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
	async pick(token: string, label: string, interleaved = false): Promise<number> {
		const response = await this.send(`pick (${label})`, () => confirmPick(this.orderId, token));
		if (response.status >= 500) this.incident("api", `the ${label} pick kept answering ${response.status}`);
		this.answers.push({ action: `pick (${label})`, status: response.status, interleaved });
		return response.status;
	}

	/** The warehouse's cannot-pick, sent again while the answer is a 5xx; returns the final status code. */
	async cannotPick(token: string, label: string): Promise<number> {
		const response = await this.send(`cannot-pick (${label})`, () => reportCannotPick(this.orderId, token, "damaged"));
		if (response.status >= 500) this.incident("api", `the ${label} cannot-pick kept answering ${response.status}`);
		this.answers.push({ action: `cannot-pick (${label})`, status: response.status, interleaved: false });
		return response.status;
	}

	/** Whether a pick was answered 202: the order is committed. */
	picked(): boolean {
		return this.answers.some((a) => a.action.startsWith("pick") && a.status === 202);
	}

	/** The customer cancels, with one Idempotency-Key, so that a retry after a crash is the same request. */
	async cancel(interleaved = false): Promise<number> {
		const key = `${this.orderId}:cancel`;
		const response = await this.send("cancel", () =>
			act(this.orderId, "cancel", { key: API_KEY, idempotencyKey: key }),
		);
		if (response.status >= 500) this.incident("api", `the cancel kept answering ${response.status}`);
		this.answers.push({ action: "cancel", status: response.status, interleaved });
		return response.status;
	}

	/** An operator redrives or resolves the order, with one Idempotency-Key per action. */
	async operator(action: "retry" | "resolve", interleaved = false): Promise<number> {
		const key = `${this.orderId}:${action}:${this.answers.length}`;
		const response = await this.send(action, () =>
			act(this.orderId, action, { key: OPERATOR_KEY, idempotencyKey: key }),
		);
		if (response.status >= 500) this.incident("api", `the ${action} kept answering ${response.status}`);
		this.answers.push({ action, status: response.status, interleaved });
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

	/**
	 * Sends `action` once the order's `call`-th downstream call has left the object (held in flight a
	 * moment unless a fault answers it at once). Watched from here rather than started from inside
	 * the object, so that the request is the test's own: one started from the object's context would
	 * die with it when the object crashes, and take the test runtime down with it. Gives up quietly
	 * when the case ends first.
	 */
	private async whenCalling(call: number, action: Interleaved, during: "call" | "admission"): Promise<void> {
		const seen = () => (during === "call" ? this.plan.seen.calling : this.plan.seen.admitting);
		while (seen() < call) {
			if (this.ended) return;
			await scheduler.wait(1);
		}
		// While it lands, the world's clock stands still: it belongs to this moment.
		this.world.enter();
		try {
			await this.interleave(action);
		} finally {
			this.world.leave();
		}
	}

	/**
	 * What arrives while a downstream call is in flight, sent once: a crash of the object may cut it
	 * off, as it would cut off a client's connection. Every answer that comes must be one the API promises.
	 */
	private async interleave(action: Interleaved): Promise<void> {
		this.calls.push(`[in flight] ${action}`);
		// One request, as a client would send it; a crash of the object cuts it off without an answer.
		const send = async (request: Promise<Response>) => {
			const response = await this.unlessCrashed(request);
			if (response && action !== "poll" && action !== "poll-held")
				this.answers.push({
					action: action === "pick" ? "pick (during a call)" : action,
					status: response.status,
					interleaved: true,
				});
			return response?.status ?? null;
		};
		switch (action) {
			case "pick": {
				const token = await shipmentToken(this.orderId);
				if (token) await send(confirmPick(this.orderId, token));
				return;
			}
			case "cancel":
				await send(act(this.orderId, "cancel", { key: API_KEY, idempotencyKey: `${this.orderId}:cancel` }));
				return;
			case "retry":
			case "resolve":
				await send(
					act(this.orderId, action, { key: OPERATOR_KEY, idempotencyKey: `${this.orderId}:${action}:in-flight` }),
				);
				return;
			case "place-again":
			case "poll":
			case "poll-held": {
				const request =
					action === "place-again"
						? api("/orders", { method: "POST", body: orderFor(this.spec) })
						: api(`/orders/${this.orderId}`, { headers: action === "poll" ? {} : { Prefer: "wait=1" } });
				const status = await send(request);
				if (status !== null && status !== 200 && status < 500)
					this.incident("api", `${action} during a call answered ${status}`);
				return;
			}
			case "alarm":
				// The platform delivers an alarm now, in the middle of a run: it must join the run and change nothing.
				await this.unlessCrashed(inObject(this.orderId, (_, state) => state.storage.setAlarm(Date.now())));
				return;
		}
	}

	/**
	 * `work`, or null if the object crashes first. The platform fails every request and alarm handler
	 * an object had under way when it is reset; the test runtime sometimes leaves them hanging instead.
	 */
	private async unlessCrashed<T>(work: Promise<T>, limitMs = REQUEST_LIMIT_MS): Promise<T | null> {
		const before = this.plan.crashes;
		const until = Date.now() + limitMs;
		let settled = false;
		const crash = (async () => {
			while (!settled && this.plan.crashes === before && Date.now() < until) await scheduler.wait(20);
			return null;
		})();
		try {
			return await Promise.race([work, crash]);
		} finally {
			settled = true;
		}
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
			// Installing the plan on an object in the middle of a crash can hang like any request: start over.
			if ((await this.unlessCrashed(this.plan.arm(this.orderId), ARM_LIMIT_MS)) === null) {
				this.notes.push(`${label}: the object did not answer the probe; tried again`);
				continue;
			}
			const answer = this.unlessCrashed(request()).then(
				(r) => r ?? new Response("cut off by a crash", { status: 599 }),
			);
			response = await withinLimit(answer, () => {
				this.notes.push(`${label} got no answer in ${REQUEST_LIMIT_MS} ms; retried`);
				return new Response(null, { status: 598 });
			});
			if (log || response.status >= 500) this.calls.push(`${label} -> ${response.status}`);
			if (response.status < 500) return response;
			if (this.plan.crashes !== before) continue;
			this.notes.push(`${label} answered ${response.status} with no crash injected under it; retried`);
			await scheduler.wait(50 * 2 ** tries);
		}
		return response;
	}

	/**
	 * Lets the world go on (runs finish, alarms come at their time, the world's events happen) until the
	 * order's status satisfies `until`. `beforeAlarm` runs whenever the world is about to move its clock
	 * (the early warehouse uses it). Returns the last status; an order that gets stuck, or never gets
	 * there, is an incident of the world, not an exception, so the case is still checked in full.
	 */
	async drive(until: (status: string) => boolean, beforeAlarm?: () => Promise<void>): Promise<string | null> {
		const status = await this.world.until(this, until, beforeAlarm);
		this.last = status;
		return status;
	}

	/**
	 * Delivers the alarm set for `at`: the order's clock moves to that time first, as the platform
	 * delivers an alarm once its time has come. The timing family varies this: a delivery late by up to
	 * its bound, an early one (nothing is due, so nothing may happen), or one to a fresh instance.
	 */
	async deliver(at: number | null): Promise<boolean> {
		if (at === null) {
			// The platform retries an alarm handler a crash cut off; one may have been under way at each crash.
			if (this.plan.crashes === this.crashesRedelivered) return false;
			this.crashesRedelivered = this.plan.crashes;
			this.calls.push("alarm handler again");
			return this.fire(() => inObject(this.orderId, (instance) => instance.alarm()).then(() => true));
		}
		const timing = this.spec.timing;
		const early = timing && this.timing?.chance(timing.earlyChance);
		if (!early) {
			const late = timing && this.timing?.chance(timing.lateChance) ? this.timing.int(1, timing.maxLateMs) : 0;
			advanceClockTo(this.world.spec.name, at + late);
		}
		if (timing && this.timing?.chance(timing.evictChance)) {
			await crash(this.orderId);
			this.plan.restCrash();
		}
		this.calls.push(early ? "alarm (early)" : "alarm");
		return this.fire(() => runDurableObjectAlarm(orderStub(this.orderId)));
	}

	/**
	 * Runs an alarm delivery. A crash it runs into is the plan's doing: the platform retries a failed
	 * alarm handler, so the next round delivers it again. Any other error is retried for a few seconds
	 * first: after some aborts the test runtime answers "internal error" until the dead instance lets go.
	 */
	private async fire(delivery: () => Promise<boolean>): Promise<boolean> {
		for (let tries = 0; ; tries++) {
			try {
				const delivered = await this.unlessCrashed(delivery());
				if (delivered === null) throw new Error(CRASH_MESSAGE);
				return delivered;
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

	/**
	 * Once the order rests, delivers the alarms that are only for hand-overs still owed (a notification
	 * or an index report that failed): those before the journal's next due time, so a waiting order
	 * keeps waiting.
	 */
	private async drain(): Promise<void> {
		for (let round = 0; round < DRAIN_ROUNDS; round++) {
			const probe = await this.plan.arm(this.orderId);
			if (probe.busy) {
				await scheduler.wait(2);
				continue;
			}
			const forHandOver = probe.alarm !== null && (probe.nextWakeAt === null || probe.alarm < probe.nextWakeAt);
			const cutOff = probe.alarm === null && this.plan.crashes !== this.crashesRedelivered;
			if (!forHandOver && !cutOff) return;
			await this.deliver(probe.alarm);
		}
	}

	/** What is known of a case that never finished: its trace and calls, and the incident. */
	hung(startedAt: number, limitMs: number): Observation {
		this.incident("settled", `the case did not finish in ${limitMs} ms; it was at: ${this.calls.at(-1)}`);
		const none = { charges: [], refunds: [], reservations: [], releases: [], shipments: [], shipmentCancellations: [] };
		const ledger = { ...none, emails: [], alerts: [], requests: [] };
		const stored = { journal: "", all: "" };
		return this.observation(startedAt, {
			status: null,
			history: [],
			ledger,
			alarm: null,
			d1: null,
			accepted: false,
			stored,
		});
	}

	private observation(
		startedAt: number,
		seen: Pick<Observation, "status" | "history" | "ledger" | "alarm" | "d1" | "accepted" | "stored">,
	): Observation {
		return {
			spec: this.spec,
			...seen,
			trace: this.plan.trace,
			checkpoints: { committed: this.plan.seen.committed, returned: this.plan.seen.returned },
			crashes: this.plan.crashes,
			incidents: [...this.incidents, ...this.plan.incidents],
			notes: this.notes,
			calls: this.calls,
			answers: this.answers,
			elapsedMs: Date.now() - startedAt,
		};
	}

	/** The end of the order's story: what landed in the middle of its calls is over, and what it started rests too. */
	async finish(): Promise<void> {
		this.ended = true;
		if (this.interleaving.length === 0) return;
		// A request cut off by a crash never answers: wait for the others, a while.
		await Promise.race([Promise.all(this.interleaving), scheduler.wait(REQUEST_LIMIT_MS)]);
		// What they started (a redrive, a cancel) runs to rest as well.
		await this.drive(settled);
	}

	async observe(startedAt: number): Promise<Observation> {
		// A request held back on its way arrives within its delay of the order resting: the ledger must show what it did.
		if (this.spec.faults.some((f) => f.kind === "arrives_late")) await scheduler.wait(LATE_ARRIVAL_MS);
		await this.drain();
		clearPlatformFaults(this.orderId);
		const status = await this.status();
		const history = status ? await this.history() : [];
		const projection =
			status && this.accepted
				? await settledProjection(
						this.orderId,
						expectedProjection(this.orderId, history, status),
						clockOf(this.orderId),
					)
				: null;
		if (projection?.swept) this.notes.push("the sweeper was needed to bring D1 in line");
		const afterAlerts =
			status && this.accepted ? await settledAlerts(this.orderId, expectedAlerts(this.orderId, history)) : null;
		const { alarm } = await this.plan.arm(this.orderId, true);
		const d1 = projection?.d1 ?? null;
		return this.observation(startedAt, {
			status,
			history,
			ledger: afterAlerts ?? (await ledger(this.orderId)),
			alarm,
			d1,
			accepted: this.accepted,
			stored: await storedText(this.orderId),
		});
	}
}

/** Every value the order's object stores (its tables and key-value entries), as text: where personal data could remain. */
function storedText(orderId: string): Promise<{ journal: string; all: string }> {
	return inObject(orderId, (_, state) => {
		const sql = state.storage.sql;
		const dump = (table: string) => JSON.stringify(sql.exec(`SELECT * FROM "${table}"`).toArray());
		const tables = sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
			)
			.toArray()
			.map(({ name }) => name);
		// The key-value entries live in a hidden table of their own: dumped too.
		const entries = JSON.stringify([...state.storage.kv.list()]);
		return {
			journal: tables.includes("journal")
				? dump("journal")
				: JSON.stringify([...state.storage.kv.list({ prefix: "journal:" })]),
			all: [...tables.map(dump), entries].join("\n"),
		};
	});
}

/** How long a breaker's answer is held back when a request is to land while it is awaited, in ms. */
const ADMISSION_HELD_MS = 150;

/** A case that has not finished after this long, in ms, is hung: reported with what it did so far. */
const CASE_LIMIT_MS = 90_000;

/** Everything known about a world once it has run: each order's observation, and what the world saw. */
export interface WorldObservation {
	spec: WorldSpec;
	orders: Observation[];
	breakers: BreakerSeen[];
	/** The orders the sweeper nudged, by workflow id. */
	nudges: Record<string, number>;
	/** What the world saw go wrong on the way (liveness, a stuck world). */
	incidents: Violation[];
	log: string[];
	elapsedMs: number;
}

/** Faults around an order, injected before it is placed. */
async function prepare(spec: CaseSpec): Promise<void> {
	const { customer, shippingAddress } = orderFor(spec);
	await injectFaults(spec.orderId, spec.faults, echoOf({ email: customer.email, ...shippingAddress }));
	// Calls that something happens in the middle of are held in flight long enough for it to happen there.
	if (spec.interleave.length > 0 || spec.midCall.some((m) => m.during === "calling")) await holdCalls(spec.orderId);
	if (spec.interleave.some((i) => i.during === "admission")) slowAdmissionsOf(spec.orderId, ADMISSION_HELD_MS);
	for (const fault of spec.platform) {
		if (fault.on === "queue") failQueue(spec.orderId, fault.kind, fault.times);
		else failDatabase(spec.orderId, fault.kind, fault.times);
	}
}

/** The story of one order in its world: placed (when its trigger holds), then what its people do. */
async function story(world: Simulation, run: CaseRun, placeWhen: WorldSpec["placeWhen"][number]): Promise<void> {
	world.enter();
	try {
		if (placeWhen) await world.when(placeWhen);
		run.watchCalls();
		await run.place();
		if (run.accepted) await WAREHOUSE[run.spec.warehouse](run);
		await run.finish();
	} finally {
		world.leave();
	}
}

/** Runs one world from start to finish and returns what the invariants need. */
export async function runWorld(spec: WorldSpec): Promise<WorldObservation> {
	const startedAt = Date.now();
	const world = new Simulation(spec);
	const runs = spec.orders.map((order) => new CaseRun(order, world));
	const work = (async () => {
		for (const order of spec.orders) await prepare(order);
		await Promise.all(runs.map((run, i) => story(world, run, spec.placeWhen[i])));
		// What the world still owes (a resume after the last order rested), then every order at rest again.
		world.enter();
		await world.finish();
		await Promise.all(runs.map((run) => run.drive(settled)));
		world.leave();
		const orders = await Promise.all(runs.map((run) => run.observe(startedAt)));
		return orders;
	})();
	let timer: number | undefined;
	const limit = CASE_LIMIT_MS * Math.max(1, spec.orders.length / 2);
	const hung = new Promise<null>((resolve) => {
		timer = setTimeout(() => resolve(null), limit);
	});
	const orders = (await Promise.race([work, hung])) ?? runs.map((run) => run.hung(startedAt, limit));
	if (timer !== undefined) clearTimeout(timer);
	return {
		spec,
		orders,
		breakers: await world.breakersSeen(),
		nudges: Object.fromEntries(world.nudges),
		incidents: world.incidents,
		log: world.log,
		elapsedMs: Date.now() - startedAt,
	};
}
