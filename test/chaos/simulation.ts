import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { BreakerRecord } from "../../src/ops/breaker-state";
import { platform } from "../../src/ops/platform";
import { sweep } from "../../src/ops/sweeper";
import { shareBreakers } from "../breakers";
import { advanceClockTo, clockOf, shareClock } from "../clock";
import { startWith } from "../deploys";
import { api, OPERATOR_KEY } from "../helpers";
import { fire } from "../world";
import type { Violation } from "./case";
import type { CrashPlan, Probe } from "./crash-plan";
import { applyDeploy, startBeforeVersion2, startWithoutVerify } from "./deploys";
import { ORDER_ACTIONS, type Trigger, type WorldEvent, type WorldSpec } from "./world-spec";

/** One order of a world as the simulation drives it: its crash plan, and how it takes an alarm. */
export interface Driven {
	readonly orderId: string;
	readonly plan: CrashPlan;
	/** Delivers its order's alarm set for `at` (its timing may deliver it late, early, to a fresh instance). */
	deliver(at: number | null): Promise<boolean>;
	/** Rolled before each of its alarms: a crash at rest. True if it crashed. */
	restCrash(): Promise<boolean>;
	/** A crash cut an alarm handler off that the platform has not delivered again yet. */
	owesRedelivery(): boolean;
	log(line: string): void;
}

interface Waiter {
	order: Driven | null;
	ready: (probe: Probe | undefined) => boolean;
	beforeAlarm?: () => Promise<void>;
	resolve: (probe: Probe | undefined) => void;
}

/** What the world's breakers hold once it rests. */
export interface BreakerSeen {
	name: string;
	downstream: string;
	record: BreakerRecord | null;
	held: number;
	/** Alerts recorded and not yet handed to the queue. */
	owed: number;
}

/** Rounds, all at rest, before the simulation gives up on a world that should have settled. */
const MAX_ROUNDS_PER_ORDER = 400;
/** Rounds with nothing to do and no alarm to fire before the waiting orders count as stuck. */
const STUCK_ROUNDS = 25;
/** How far ahead of real time a world's clock starts, in ms. */
const WORLD_AHEAD_MS = 86_400_000;
/** How long after its breaker closes a held step must be on its way: its release wave, with room to spare. */
const RELEASE_BOUND_MS = 10_000;
/** The longest the simulation waits before looking again at a run under way, in ms. */
const BUSY_WAIT_MAX_MS = 16;
/** The Cron Trigger's period: the sweeper runs once a minute of the world's clock has passed. */
const SWEEP_EVERY_MS = 60_000;
const DOWNSTREAMS = ["payments", "inventory", "shipping", "email"] as const;

/**
 * Drives a world of orders on one controlled clock: whenever every order and script rests, it lets
 * whoever waits for what holds go on, happens the world's events whose trigger holds, and otherwise
 * moves the clock to the earliest alarm in the world (an order's or a breaker's, or an event's time)
 * and delivers it there; the sweeper runs as its Cron Trigger would. It watches liveness as it goes:
 * an unfinished order always has an alarm, and a held step is on its way soon after its breaker closes.
 */
export class Simulation {
	readonly incidents: Violation[] = [];
	readonly log: string[] = [];
	/** Orders the sweeper nudged, by workflow id, and how often. */
	readonly nudges = new Map<string, number>();
	private readonly orders: Driven[] = [];
	private readonly waiters: Waiter[] = [];
	/** When each event happened on the world's clock; undefined: not yet. */
	private readonly happened: (number | undefined)[];
	private readonly breakers: string[];
	private active = 0;
	/** The pump, waiting for the scripts to stop acting: woken by the last one that waits or leaves. */
	private quiet: (() => void) | null = null;
	private pumping: Promise<void> | null = null;
	private lastSweep: number;
	private watchBreakers: boolean;
	/** When each breaker was last seen closed after an episode: a step it holds must be on its way soon after. */
	private readonly closedAt = new Map<string, number>();

	constructor(readonly spec: WorldSpec) {
		this.happened = spec.events.map(() => undefined);
		if (spec.shared) {
			shareClock(spec.name);
			shareBreakers(spec.name, { api: false });
		}
		this.breakers = spec.shared
			? DOWNSTREAMS.map((downstream) => platform.breaker(downstream, spec.name))
			: spec.orders.flatMap((o) => DOWNSTREAMS.map((downstream) => platform.breaker(downstream, o.orderId)));
		this.watchBreakers = spec.shared || spec.events.length > 0;
		// A day ahead of real time: the platform's own timer never delivers an alarm of the world's (it would
		// race the deliveries the simulation makes and that a seed reproduces); only the simulation does.
		advanceClockTo(spec.name, this.now() + WORLD_AHEAD_MS);
		this.lastSweep = this.now();
		if (spec.config) startWith(spec.name, { config: spec.config });
		if (spec.events.some((e) => e.kind === "deploy" && "versions" in e.change)) startBeforeVersion2(spec.name);
		if (spec.withoutVerify) startWithoutVerify(spec.name);
	}

	now(): number {
		return clockOf(this.spec.name);
	}

	add(order: Driven): void {
		this.orders.push(order);
	}

	/** A script starts acting (placing, picking): the clock stands still until it waits again. */
	enter(): void {
		this.active++;
	}

	leave(): void {
		this.stop();
		this.kick();
	}

	/** One script fewer acts; the last wakes the pump. */
	private stop(): void {
		if (--this.active > 0 || !this.quiet) return;
		const wake = this.quiet;
		this.quiet = null;
		wake();
	}

	/** Waits, the clock moving on, until the order's status satisfies `until`; the status then (null: no order). */
	async until(order: Driven, until: (status: string) => boolean, beforeAlarm?: () => Promise<void>) {
		const probe = await this.wait({
			order,
			ready: (p) => p !== undefined && (p.status === null || until(p.status)),
			beforeAlarm,
		});
		return probe?.status ?? null;
	}

	/** Waits, the clock moving on, until `trigger` holds. */
	async when(trigger: Trigger): Promise<void> {
		await this.wait({ order: null, ready: () => this.holds(trigger, this.lastProbes) });
	}

	/**
	 * The world's breakers once it rests, their owed alerts handed over first (their alarm, due now, is
	 * delivered): for the alert checks.
	 */
	async breakersSeen(): Promise<BreakerSeen[]> {
		const seen = await Promise.all(this.breakers.map(readBreaker));
		let fired = false;
		for (const breaker of seen)
			if (breaker.owed > 0 && breaker.alarm !== null) {
				await fire({ kind: "breaker", name: breaker.name, at: breaker.alarm }, this.spec.name);
				fired = true;
			}
		// Read again only if a delivery may have changed them: every order rests, so nothing else moves a breaker.
		return fired ? Promise.all(this.breakers.map(readBreaker)) : seen;
	}

	/**
	 * What is left once every script is done: an event whose trigger holds by now happens (version 1
	 * removed once its orders are done), and so does a timed one whose base happened (a resume after the
	 * last order ended); what never triggered does not.
	 */
	async finish(): Promise<void> {
		const probes = await this.probe();
		for (const [i, event] of this.spec.events.entries()) {
			const when = event.when;
			if (this.happened[i] !== undefined) continue;
			if (when.on === "after" && this.happened[when.event] !== undefined)
				await this.happenAt(i, event, Math.max(this.now(), (this.happened[when.event] ?? 0) + when.ms));
			else if (when.on !== "after" && this.holds(when, probes)) await this.happen(i, event);
		}
	}

	private lastProbes = new Map<Driven, Probe>();

	/** The script stops acting until its wait is over; it counts as acting again the moment it is let go. */
	private wait(waiter: Omit<Waiter, "resolve">): Promise<Probe | undefined> {
		return new Promise((resolve) => {
			this.waiters.push({ ...waiter, resolve });
			this.stop();
			this.kick();
		});
	}

	/** Lets a waiter go: it acts from now on, before its continuation even runs, so the clock stands still for it. */
	private let(waiter: Waiter, probe: Probe | undefined): void {
		this.waiters.splice(this.waiters.indexOf(waiter), 1);
		this.active++;
		waiter.resolve(probe);
	}

	private kick(): void {
		this.pumping ??= this.pump()
			.catch((error: unknown) => this.giveUp(`the simulation failed: ${String(error)}`))
			.finally(() => {
				this.pumping = null;
				if (this.waiters.length > 0) this.kick();
			});
	}

	private async pump(): Promise<void> {
		let idle = 0;
		let rounds = 0;
		let busy: Driven[] = [];
		let waited = 0;
		const limit = MAX_ROUNDS_PER_ORDER * Math.max(1, this.orders.length);
		while (this.waiters.length > 0) {
			if (this.active > 0) {
				// Rather than look again every ms while a script acts (16 worlds at once: thousands of wakes a second).
				await new Promise<void>((resolve) => {
					this.quiet = resolve;
				});
				continue;
			}
			// While runs are under way, only their orders are looked at again (most rounds of a fleet are such
			// waits); once they are done, every order is, since the others may have started one meanwhile.
			// A run that waits on a downstream's time limit takes hundreds of ms: looking again every 2 ms at
			// first, then less often, notices a short run at once without an object round trip per ms of a long one.
			if (busy.length > 0) {
				busy = busyOf(await this.probe(busy));
				if (busy.length > 0) {
					await scheduler.wait(Math.min(BUSY_WAIT_MAX_MS, 2 ** ++waited));
					continue;
				}
			}
			waited = 0;
			const probes = await this.probe();
			busy = busyOf(probes);
			if (busy.length > 0) {
				await scheduler.wait(2);
				continue;
			}
			this.lastProbes = probes;
			if (++rounds > limit) {
				this.giveUp(`did not settle in ${limit} rounds`);
				return;
			}
			if (this.release(probes)) {
				idle = 0;
				continue;
			}
			const breakers = await this.watch(probes);
			if (await this.happenDue(probes)) {
				idle = 0;
				continue;
			}
			const hooked = this.waiters.some((waiter) => waiter.beforeAlarm);
			for (const waiter of [...this.waiters]) await waiter.beforeAlarm?.();
			if (await this.sweepIfDue(probes)) continue;
			// A request that lands in the middle of a call may have started meanwhile: its moment, not the clock's.
			if (this.active > 0) continue;
			// The breakers as the watch just read them, unless an early warehouse may have acted since.
			if (await this.deliverNext(probes, hooked ? null : breakers)) {
				idle = 0;
				continue;
			}
			if (++idle >= STUCK_ROUNDS) {
				this.giveUp("stuck: nothing running and no alarm");
				return;
			}
			await scheduler.wait(4);
		}
	}

	private async probe(orders: readonly Driven[] = this.orders): Promise<Map<Driven, Probe>> {
		const probes = await Promise.all(orders.map(async (o) => [o, await o.plan.arm(o.orderId)] as const));
		return new Map(probes);
	}

	/** Lets go every waiter whose wait is over; true if any was. */
	private release(probes: Map<Driven, Probe>): boolean {
		const ready = this.waiters.filter((w) => w.ready(w.order ? probes.get(w.order) : undefined));
		for (const waiter of ready) this.let(waiter, waiter.order ? probes.get(waiter.order) : undefined);
		return ready.length > 0;
	}

	/**
	 * Lets every waiter go with an incident: an order that never got where its story waited for. A world
	 * event's trigger that never held (an order ended otherwise) is no incident: the story goes on without it.
	 */
	private giveUp(why: string): void {
		for (const waiter of [...this.waiters]) {
			const probe = waiter.order ? this.lastProbes.get(waiter.order) : undefined;
			if (waiter.order)
				this.incidents.push({
					invariant: "settled",
					message: `${waiter.order.orderId}: ${why} (still ${probe?.status ?? "not started"})`,
				});
			this.let(waiter, probe);
		}
	}

	/**
	 * Liveness, whenever the world rests: an unfinished order has an alarm (unless a crash cut its
	 * handler off and the platform owes it again), and a step held by a breaker that closed a while
	 * ago is on its way.
	 */
	private async watch(probes: Map<Driven, Probe>): Promise<BreakerRead[] | null> {
		const orders = [...probes].map(([order, probe]) => ({
			orderId: order.orderId,
			probe,
			owesRedelivery: order.owesRedelivery(),
		}));
		let breakers: BreakerRead[] | null = null;
		if (orders.some((o) => o.probe.heldBy.length > 0)) {
			this.watchBreakers = true;
			// A held step is judged against its breaker as it is now: one seen closed may have opened again
			// since (other orders' failures, between two moves of the clock), and holds it rightly.
			breakers = await Promise.all(this.breakers.map(readBreaker));
			this.noteClosed(breakers);
		}
		for (const incident of livenessOf(orders, this.closedAt, this.now()))
			if (!this.incidents.some((i) => i.message === incident.message)) this.incidents.push(incident);
		return breakers;
	}

	private holds(trigger: Trigger, probes: Map<Driven, Probe>): boolean {
		switch (trigger.on) {
			case "calls":
				return [...probes.values()].reduce((n, p) => n + p.calls, 0) >= trigger.n;
			case "after": {
				const at = this.happened[trigger.event];
				return at !== undefined && this.now() >= at + trigger.ms;
			}
			case "state":
				return [trigger.order].flat().every((i) => {
					const order = this.orders[i];
					const probe = order && probes.get(order);
					if (!probe) return false;
					if (trigger.state === "held") return probe.heldBy.length > 0;
					if (trigger.state === "in-doubt") return probe.inDoubt;
					if (trigger.state === "finished")
						return probe.status !== null && !["running", "compensating", "waiting"].includes(probe.status);
					return probe.status === trigger.state;
				});
		}
	}

	/** Happens the first event whose trigger holds now (timed ones wait for the clock, below); true if one did. */
	private async happenDue(probes: Map<Driven, Probe>): Promise<boolean> {
		for (const [i, event] of this.spec.events.entries()) {
			if (this.happened[i] !== undefined || !this.holds(event.when, probes)) continue;
			await this.happen(i, event);
			return true;
		}
		return false;
	}

	private async happen(i: number, event: WorldEvent): Promise<void> {
		this.happened[i] = this.now();
		this.log.push(`[world] ${describeEvent(event)}`);
		const ids = this.spec.orders.map((o) => o.orderId);
		switch (event.kind) {
			case "pause":
			case "resume": {
				const name = this.breakerOf(event.downstream);
				const request = { actor: "operator:chaos", reason: `chaos ${event.kind}`, requestKey: null };
				const stub = env.BREAKERS.get(env.BREAKERS.idFromName(name));
				const answer = await stub.act(event.downstream, name, event.kind, request);
				this.log.push(`[world] ${event.kind} ${name} -> ${answer.outcome}`);
				this.watchBreakers = true;
				return;
			}
			case "traffic": {
				const name = this.breakerOf(event.downstream);
				const stub = env.BREAKERS.get(env.BREAKERS.idFromName(name));
				await stub.report(event.downstream, name, {
					successes: event.successes,
					failures: 0,
					lastFailure: null,
					probe: null,
				});
				this.log.push(`[world] ${event.successes} calls to ${name} answered elsewhere`);
				return;
			}
			case "crash-breaker": {
				const stub = env.BREAKERS.get(env.BREAKERS.idFromName(this.breakerOf(event.downstream)));
				await runInDurableObject(stub, (_, state) => state.abort("injected crash")).catch(() => undefined);
				return;
			}
			case "deploy":
				for (const order of this.orders) order.plan.restCrash();
				await applyDeploy(ids, this.breakers, event.change);
				return;
			case "cancel": {
				const orderId = ids[event.order] ?? "";
				const response = await api(`/orders/${orderId}/cancel`, { method: "POST", body: { reason: "chaos" } });
				this.log.push(`[world] cancel ${orderId} -> ${response.status}`);
				return;
			}
			case "pause-order":
			case "resume-order":
			case "terminate": {
				const orderId = ids[event.order] ?? "";
				// A crash under the request answers 500, its row perhaps lost: the operator sends it again, as a person would.
				for (let tries = 0; tries < 3; tries++) {
					const response = await api(`/orders/${orderId}/${ORDER_ACTIONS[event.kind]}`, {
						method: "POST",
						key: OPERATOR_KEY,
						body: { reason: `chaos ${event.kind}` },
					});
					this.log.push(`[world] ${event.kind} ${orderId} -> ${response.status}`);
					if (response.status !== 500) return;
				}
				return;
			}
			case "bulk-redrive": {
				// The fleet's own orders: "fl-2-" is no prefix of fleet 21's.
				const query = `status=needs_attention&orderIdPrefix=${encodeURIComponent(`${this.spec.name}-`)}`;
				const response = await api(`/orders/retry?${query}`, {
					method: "POST",
					key: OPERATOR_KEY,
					body: { reason: "chaos bulk redrive" },
				});
				this.log.push(`[world] bulk redrive -> ${response.status}`);
				return;
			}
		}
	}

	private breakerOf(downstream: string): string {
		return platform.breaker(downstream, this.spec.shared ? this.spec.name : (this.spec.orders[0]?.orderId ?? ""));
	}

	/**
	 * Runs the sweeper as the Cron Trigger would once a minute of the world's clock has passed, when
	 * every alarm that fell due meanwhile has been delivered: an order it then nudges is one whose own
	 * alarm would not have come. True if it ran.
	 */
	private async sweepIfDue(probes: Map<Driven, Probe>): Promise<boolean> {
		const now = this.now();
		if (!this.spec.sweeps || now - this.lastSweep < SWEEP_EVERY_MS) return false;
		if ([...probes.values()].some((p) => p.alarm !== null && p.alarm <= now)) return false;
		this.lastSweep = now;
		// A sweep whose D1 calls fail or hang (the case's own faults) does nothing; the next one tries again.
		const nudged = await sweep(
			env,
			now,
			this.orders.map((o) => o.orderId),
		).catch(() => []);
		for (const id of nudged) this.nudges.set(id, (this.nudges.get(id) ?? 0) + 1);
		if (nudged.length > 0) this.log.push(`[world] sweep nudged ${nudged.join(", ")}`);
		return nudged.length > 0;
	}

	/** Moves the clock to the earliest alarm in the world and delivers it; true if there was one. */
	private async deliverNext(probes: Map<Driven, Probe>, read: BreakerRead[] | null): Promise<boolean> {
		const breakers = this.watchBreakers ? (read ?? (await Promise.all(this.breakers.map(readBreaker)))) : [];
		this.noteClosed(breakers);
		const timers: { at: number; deliver: () => Promise<unknown> }[] = [];
		for (const [order, probe] of probes)
			if (probe.alarm !== null)
				timers.push({
					at: probe.alarm,
					deliver: async () => (await order.restCrash()) || order.deliver(probe.alarm),
				});
		for (const breaker of breakers)
			if (breaker.alarm !== null) {
				const at = breaker.alarm;
				timers.push({ at, deliver: () => fire({ kind: "breaker", name: breaker.name, at }, this.spec.name) });
			}
		for (const [i, event] of this.spec.events.entries()) {
			const when = event.when;
			const base = when.on === "after" ? this.happened[when.event] : undefined;
			if (this.happened[i] !== undefined || when.on !== "after" || base === undefined) continue;
			timers.push({ at: base + when.ms, deliver: () => this.happenAt(i, event, base + when.ms) });
		}
		const next = timers.sort((a, b) => a.at - b.at)[0];
		if (next) {
			await next.deliver();
			return true;
		}
		// A crash cut an alarm handler off: the platform delivers it again.
		for (const order of this.orders)
			if (order.owesRedelivery()) {
				await order.deliver(null);
				return true;
			}
		return false;
	}

	private async happenAt(i: number, event: WorldEvent, at: number): Promise<void> {
		advanceClockTo(this.spec.name, at);
		await this.happen(i, event);
	}

	/** Notes since when each breaker is closed after an episode; held steps are then released within a bound. */
	private noteClosed(breakers: readonly BreakerSeen[]): void {
		noteClosed(this.closedAt, breakers, this.now());
	}
}

/**
 * Since when each breaker is closed after an episode: its record's own `since` (so an episode that opened
 * and closed again between two looks is not taken for the earlier one), else when first seen closed as
 * of `now`. A breaker seen otherwise is forgotten.
 */
export function noteClosed(closedAt: Map<string, number>, breakers: readonly BreakerSeen[], now: number): void {
	for (const { name, record } of breakers) {
		if (record?.state !== "closed" || record.episode === 0) closedAt.delete(name);
		else closedAt.set(name, record.since ?? closedAt.get(name) ?? now);
	}
}

/**
 * (liveness) What is wrong with the world at rest: an unfinished order with no alarm (unless a crash cut
 * its handler off and the platform owes it again), or a step still held by a breaker that closed more
 * than a release wave ago (`closedAt`: when each breaker, by name, was seen closed after an episode).
 */
export function livenessOf(
	orders: readonly { orderId: string; probe: Probe; owesRedelivery: boolean }[],
	closedAt: ReadonlyMap<string, number>,
	now: number,
): Violation[] {
	const out: Violation[] = [];
	for (const { orderId, probe, owesRedelivery } of orders) {
		const unfinished = probe.status === "running" || probe.status === "compensating" || probe.status === "waiting";
		// A paused order with nothing timed to wait for needs no alarm: its resume wakes it.
		if (unfinished && probe.alarm === null && !owesRedelivery && !(probe.paused && probe.nextWakeAt === null))
			out.push({ invariant: "liveness", message: `${orderId} is ${probe.status} with no alarm` });
		for (const downstream of probe.heldBy) {
			const since = closedAt.get(platform.breaker(downstream, orderId));
			if (since !== undefined && now - since > RELEASE_BOUND_MS)
				out.push({
					invariant: "liveness",
					message: `${orderId} still held by ${downstream} ${Math.round((now - since) / 1000)} s after it closed`,
				});
		}
	}
	return out;
}

const busyOf = (probes: Map<Driven, Probe>) => [...probes].flatMap(([order, probe]) => (probe.busy ? [order] : []));

type BreakerRead = BreakerSeen & { alarm: number | null };

/** A breaker's record, held orders and alarm, read from its storage. */
async function readBreaker(name: string): Promise<BreakerRead> {
	const stub = env.BREAKERS.get(env.BREAKERS.idFromName(name));
	return runInDurableObject(stub, async (_, state) => {
		const sql = state.storage.sql;
		const tables = new Set(
			sql
				.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
				.toArray()
				.map((t) => t.name),
		);
		const row = tables.has("breaker")
			? sql.exec<{ record: string }>("SELECT record FROM breaker").toArray()[0]
			: undefined;
		const record = row ? (JSON.parse(row.record) as BreakerRecord) : null;
		const count = (table: string) =>
			tables.has(table) ? sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n : 0;
		const downstream = name.split("@")[0] ?? name;
		const alarm = await state.storage.getAlarm();
		return { name, downstream, record, held: count("held"), owed: count("outbox"), alarm };
	});
}

function describeEvent(event: WorldEvent): string {
	const when = JSON.stringify(event.when);
	switch (event.kind) {
		case "pause":
		case "resume":
		case "crash-breaker":
			return `${event.kind} ${event.downstream} (${when})`;
		case "traffic":
			return `traffic: ${event.successes} calls to ${event.downstream} answered (${when})`;
		case "deploy":
			return `deploy ${JSON.stringify(event.change)} (${when})`;
		case "cancel":
		case "pause-order":
		case "resume-order":
		case "terminate":
			return `${event.kind} order ${event.order} (${when})`;
		case "bulk-redrive":
			return `bulk redrive (${when})`;
	}
}
