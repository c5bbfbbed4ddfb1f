import { DurableObject } from "cloudflare:workers";
import type { Admission } from "../engine/gate";
import { BreakerActions } from "./breaker-actions";
import { BreakerAlerts } from "./breaker-alerts";
import { BreakerHistory, type BreakerPast } from "./breaker-history";
import {
	type ActionAnswer,
	type AdmitAnswer,
	type BreakerAction,
	type BreakerRecord,
	type BreakerReport,
	type BreakerRequest,
	closed,
	type DownstreamView,
	type Effect,
	granted,
	heldDue,
	isFastPath,
	newRecord,
	paused,
	probeMayGo,
	probeReturned,
	reported,
	TIMING,
	viewOf,
} from "./breaker-state";
import { type BreakerConfig, breakerConfig } from "./config";
import { HeldOrders, type Releasable } from "./held-orders";
import { downstreamAlert } from "./messages";
import { platform } from "./platform";

/**
 * The truth about one downstream service, shared by every order: closed → open after enough failures
 * across orders → half-open, one probe at a time → closed. Orders refused while it is open or paused
 * are registered here, and released in jittered waves once it closes. Isolates cache its state
 * (see breaker-gate.ts), so the healthy path does not come here per call. Its time is the platform's
 * clock for it, and its alarm drives everything that waits (probes, waves, owed alerts).
 */
export class DownstreamBreaker extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly config: BreakerConfig;
	private readonly held: HeldOrders;
	private readonly alerts: BreakerAlerts;
	private readonly actions: BreakerActions;
	private readonly history: BreakerHistory;
	private record: BreakerRecord | null;
	/** The object's name: the downstream, or a scope of it that tests give each case. */
	private name: string;
	/** When the next release wave may start; when the probe goes again to a holder that could not be reached (0: none). */
	private waveAt = 0;
	private resendAt = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.config = breakerConfig(platform.config(env, ctx.id.name ?? ""));
		this.held = new HeldOrders(this.sql);
		this.alerts = new BreakerAlerts(this.sql);
		this.actions = new BreakerActions(this.sql);
		this.history = new BreakerHistory(this.sql);
		this.sql.exec(
			"CREATE TABLE IF NOT EXISTS breaker (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, record TEXT NOT NULL)",
		);
		const row = this.sql.exec<{ name: string; record: string }>("SELECT name, record FROM breaker").toArray()[0];
		this.record = row ? JSON.parse(row.record) : null;
		this.name = ctx.id.name ?? row?.name ?? "";
	}

	/** May `workflowId` call now? Refused, it is registered to be released; the probe, when one may go, is admitted. */
	admit(downstream: string, name: string, workflowId: string): AdmitAnswer {
		const r = this.current(downstream, name);
		const now = this.now();
		let admission: Admission = { admitted: true, probe: false };
		if (r.state === "paused") admission = this.hold(workflowId, `${downstream} is paused: ${r.reason}`);
		else if (probeMayGo(r, now, workflowId)) {
			this.save(granted(r, now, this.config, workflowId), null);
			this.held.remove(workflowId);
			admission = { admitted: true, probe: true };
		} else if (r.state !== "closed") admission = this.hold(workflowId, `${downstream} is unavailable: ${r.reason}`);
		else if (r.releasing && this.held.has(workflowId))
			admission = this.hold(workflowId, `${downstream} recovered; held orders go in waves`);
		else this.held.remove(workflowId);
		return { admission, fast: isFastPath(this.current(downstream, name)) };
	}

	/** Folds in an isolate's outcomes; answers whether calls may go without asking. */
	report(downstream: string, name: string, report: BreakerReport): { fast: boolean } {
		const { record, effect } = reported(this.current(downstream, name), report, this.now(), this.config);
		this.history.failed(this.now(), report.failures);
		this.save(record, effect);
		return { fast: isFastPath(record) };
	}

	/** Pause holds every new call; resume closes the breaker and releases held orders in waves. */
	act(downstream: string, name: string, action: BreakerAction, request: BreakerRequest): ActionAnswer {
		const r = this.current(downstream, name);
		const earlier = this.actions.earlier(request.requestKey);
		if (earlier === action) return { outcome: "repeated", view: this.view() };
		if (earlier) return { outcome: "key_reused", earlier };
		if ((action === "pause") === (r.state === "paused")) return { outcome: "conflict", view: this.view() };
		const now = this.now();
		this.actions.record(now, action, request);
		if (action === "resume") {
			const { record, effect } = closed(r, now);
			this.save(record, effect, request.actor);
		} else this.save(paused(r, now, request), null, request.actor);
		return { outcome: "accepted", view: this.view() };
	}

	describe(downstream: string, name: string): DownstreamView {
		this.current(downstream, name);
		return this.view();
	}

	/** Its state, its past since `since` (episodes, failures per hour) and the longest-held orders: what the console shows. */
	past(downstream: string, name: string, since: number, limit: number): BreakerPast & { view: DownstreamView } {
		this.current(downstream, name);
		return { ...this.history.since(since, limit, this.held.list(limit)), view: this.view() };
	}

	/** Sends owed alerts, lets a probe through to a held order, and releases a wave. */
	override async alarm(): Promise<void> {
		if (!this.record) return;
		await this.alerts.send(platform.queue(this.env.ALERTS, ""), this.now(), TIMING.alertRetryMs);
		if (probeMayGo(this.record, this.now())) await this.releaseProbe();
		else if (this.resendAt > 0 && this.resendAt <= this.now()) await this.resendProbe();
		if (this.record.state === "closed" && this.record.releasing && this.waveAt <= this.now()) {
			this.waveAt = this.now() + TIMING.waveMs;
			await this.releaseWave();
		}
		await this.arm();
	}

	private now(): number {
		return platform.now(this.name);
	}

	private current(downstream: string, name: string): BreakerRecord {
		if (!this.record) {
			this.name ||= name;
			this.save(newRecord(downstream, this.now()), null);
		}
		return this.record as BreakerRecord;
	}

	private save(next: BreakerRecord, effect: Effect, by: string | null = null): void {
		// Nothing left to release: isolates may go back to admitting on their own.
		const record = next.releasing && this.held.count === 0 ? { ...next, releasing: false } : next;
		this.history.follow(this.record, record, this.now(), by);
		this.record = record;
		this.sql.exec(
			"INSERT OR REPLACE INTO breaker (id, name, record) VALUES (1, ?, ?)",
			this.name,
			JSON.stringify(record),
		);
		if (effect) {
			const kind = effect === "opened" ? "downstream_opened" : "downstream_closed";
			this.alerts.add(downstreamAlert(record.downstream, this.name, record.episode, kind, record.reason, this.now()));
		}
		this.ctx.waitUntil(this.arm());
	}

	private hold(workflowId: string, reason: string): Admission {
		this.held.add(workflowId, this.now());
		this.ctx.waitUntil(this.arm());
		return { admitted: false, reason };
	}

	private view(): DownstreamView {
		return viewOf(this.record as BreakerRecord, this.held.count, this.now(), this.config.windowMs);
	}

	/** Lets the order go; true: it held a step of this downstream. Throws when the order could not be reached. */
	private release(workflowId: string, probe: boolean, notBefore?: number): Promise<boolean> {
		const stub = this.env.ORDERS.get(this.env.ORDERS.idFromName(workflowId)) as unknown as Releasable;
		return stub.releaseHold((this.record as BreakerRecord).downstream, probe, notBefore);
	}

	/**
	 * The probe goes to the longest-held order. One that no longer holds a step of this downstream (it
	 * was cancelled, or finished) leaves the list and the next is asked. One that could not be reached
	 * keeps the lease (its probe call may be in flight) and is sent the probe again shortly: restarted
	 * before it wrote the release down, it takes it then, rather than every held order waiting out the lease.
	 */
	private async releaseProbe(): Promise<void> {
		for (const workflowId of this.held.oldest(5)) {
			// A pause, or a report, may have come in while the last candidate was asked.
			if (!probeMayGo(this.record as BreakerRecord, this.now())) return;
			this.save(granted(this.record as BreakerRecord, this.now(), this.config, workflowId), null);
			if ((await this.offerProbe(workflowId)) !== false) return;
			this.save(probeReturned(this.record as BreakerRecord), null);
		}
	}

	/** The probe again, to the holder that could not be reached; settled once it answers. */
	private async resendProbe(): Promise<void> {
		const { state, probeHolder } = this.record as BreakerRecord;
		this.resendAt = 0;
		if (state === "half_open" && probeHolder) await this.offerProbe(probeHolder);
	}

	/** True: the order took the probe; false: it waits for nothing here any more; null: unreachable, offered again shortly. */
	private async offerProbe(workflowId: string): Promise<boolean | null> {
		const took = await this.release(workflowId, true).catch(() => null);
		this.resendAt = took === null ? this.now() + TIMING.probeResendMs : 0;
		if (took !== null) this.held.remove(workflowId);
		return took;
	}

	/**
	 * Releases up to the rate of the longest-held orders, each told its own jittered point in its own slot
	 * of the coming second (its alarm keeps it), so the service that came back sees a steady trickle. An
	 * order that could not be reached stays held for the next wave.
	 */
	private async releaseWave(): Promise<void> {
		const perSecond = this.config.releasePerSecond;
		const slot = TIMING.waveMs / perSecond;
		const start = this.now();
		await Promise.all(
			this.held.oldest(perSecond).map(async (workflowId, i) => {
				const r = this.record as BreakerRecord;
				if (r.state !== "closed" || !r.releasing) return;
				try {
					await this.release(workflowId, false, start + Math.floor((i + Math.random()) * slot));
					this.held.remove(workflowId);
				} catch (error) {
					console.warn(`release of ${workflowId} failed; it stays held for the next wave`, error);
				}
			}),
		);
		this.save(this.record as BreakerRecord, null);
	}

	/** One alarm for whatever is next: owed alerts, the probe, the next wave, a lost probe's lease. */
	private async arm(): Promise<void> {
		const r = this.record;
		if (!r) return;
		const now = this.now();
		const due: number[] = [];
		if (this.alerts.owed) due.push(this.alerts.retryAt);
		if (this.resendAt > 0) due.push(this.resendAt);
		if (this.held.count > 0) due.push(...heldDue(r, now, this.waveAt));
		if (due.length === 0) return;
		const at = Math.max(now, Math.min(...due));
		const set = await this.ctx.storage.getAlarm();
		if (set === null || set > at) await this.ctx.storage.setAlarm(at);
	}
}
