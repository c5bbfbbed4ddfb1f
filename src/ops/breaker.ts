import { DurableObject } from "cloudflare:workers";
import type { Admission } from "../engine/gate";
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
	isFastPath,
	newRecord,
	probeMayGo,
	reported,
} from "./breaker-state";
import { type BreakerConfig, breakerConfig } from "./config";
import { HeldOrders } from "./held-orders";
import { downstreamAlert } from "./messages";
import { platform } from "./platform";

/** How the breaker reaches a held order's object: the RPC method the order object implements. */
interface Releasable {
	releaseHold(downstream: string, probe: boolean): Promise<boolean>;
}

/** After a failed alert hand-over, when to try again, in ms. */
const ALERT_RETRY_MS = 5_000;

/**
 * The truth about one downstream service, shared by every order: closed → open after enough failures
 * across orders → half-open, one probe at a time → closed. Orders refused while it is open or paused
 * are registered here, and released in jittered waves once it closes. Isolates cache its state
 * (see breaker-gate.ts), so the healthy path does not come here per call.
 */
export class DownstreamBreaker extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly config: BreakerConfig;
	private readonly held: HeldOrders;
	private record: BreakerRecord | null;
	/** The object's name: the downstream, or a scope of it that tests give each case. */
	private name = "";
	/** When owed alerts are tried again after a failed hand-over; when the next release wave may start. */
	private alertsAt = 0;
	private waveAt = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.config = breakerConfig(env);
		this.held = new HeldOrders(this.sql);
		this.sql.exec(`CREATE TABLE IF NOT EXISTS breaker (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, record TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS actions (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, request_key TEXT UNIQUE);
			CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, body TEXT NOT NULL);`);
		const row = this.sql.exec<{ name: string; record: string }>("SELECT name, record FROM breaker").toArray()[0];
		this.record = row ? JSON.parse(row.record) : null;
		this.name = row?.name ?? "";
	}

	/** May `workflowId` call now? Refused, it is registered to be released; the probe, when one may go, is admitted. */
	admit(downstream: string, name: string, workflowId: string): AdmitAnswer {
		const r = this.current(downstream, name);
		const now = Date.now();
		let admission: Admission = { admitted: true, probe: false };
		if (r.state === "paused") admission = this.hold(workflowId, `${downstream} is paused: ${r.reason}`);
		else if (probeMayGo(r, now)) {
			this.save(granted(r, now, this.config), null);
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
		const { record, effect } = reported(this.current(downstream, name), report, Date.now(), this.config);
		this.save(record, effect);
		return { fast: isFastPath(record) };
	}

	/** Pause holds every new call; resume closes the breaker and releases held orders in waves. */
	act(downstream: string, name: string, action: BreakerAction, request: BreakerRequest): ActionAnswer {
		const r = this.current(downstream, name);
		if (request.requestKey !== null) {
			const earlier = this.sql
				.exec<{ action: BreakerAction }>("SELECT action FROM actions WHERE request_key = ?", request.requestKey)
				.toArray()[0];
			if (earlier?.action === action) return { outcome: "repeated", view: this.view() };
			if (earlier) return { outcome: "key_reused", earlier: earlier.action };
		}
		if ((action === "pause") === (r.state === "paused")) return { outcome: "conflict", view: this.view() };
		const now = Date.now();
		const { actor, reason, requestKey } = request;
		this.sql.exec(
			"INSERT INTO actions (at, action, actor, reason, request_key) VALUES (?, ?, ?, ?, ?)",
			now,
			action,
			actor,
			reason,
			requestKey,
		);
		const paused: BreakerRecord = {
			...r,
			state: "paused",
			since: now,
			reason: `${reason} (${actor})`,
			releasing: false,
		};
		this.save(action === "pause" ? paused : closed(r, now), null);
		return { outcome: "accepted", view: this.view() };
	}

	describe(downstream: string, name: string): DownstreamView {
		this.current(downstream, name);
		return this.view();
	}

	/** Sends owed alerts, lets a probe through to a held order, and releases a wave. */
	override async alarm(): Promise<void> {
		if (!this.record) return;
		await this.sendAlerts();
		if (probeMayGo(this.record, Date.now())) await this.releaseProbe();
		if (this.record.state === "closed" && this.record.releasing) {
			this.waveAt = Date.now() + 1000;
			await this.releaseWave();
		}
		await this.arm();
	}

	private current(downstream: string, name: string): BreakerRecord {
		if (!this.record) {
			this.name = name;
			this.save(newRecord(downstream, Date.now()), null);
		}
		return this.record as BreakerRecord;
	}

	private save(next: BreakerRecord, effect: Effect): void {
		// Nothing left to release: isolates may go back to admitting on their own.
		const record = next.releasing && this.held.count === 0 ? { ...next, releasing: false } : next;
		this.record = record;
		this.sql.exec(
			"INSERT OR REPLACE INTO breaker (id, name, record) VALUES (1, ?, ?)",
			this.name,
			JSON.stringify(record),
		);
		if (effect) {
			const kind = effect === "opened" ? "downstream_opened" : "downstream_closed";
			const alert = downstreamAlert(record.downstream, this.name, record.episode, kind, record.reason, Date.now());
			this.sql.exec("INSERT OR IGNORE INTO outbox (id, body) VALUES (?, ?)", alert.id, JSON.stringify(alert));
		}
		this.ctx.waitUntil(this.arm());
	}

	private hold(workflowId: string, reason: string): Admission {
		this.held.add(workflowId, Date.now());
		this.ctx.waitUntil(this.arm());
		return { admitted: false, reason };
	}

	private view(): DownstreamView {
		const r = this.record as BreakerRecord;
		const fresh = Date.now() - r.windowStart < this.config.windowMs;
		return {
			name: r.downstream,
			state: r.state,
			since: r.since,
			recentFailures: fresh ? r.failures : 0,
			heldOrders: this.held.count,
			reason: r.reason,
		};
	}

	private release(workflowId: string, probe: boolean): Promise<boolean> {
		const orders = this.env.ORDERS as unknown as DurableObjectNamespace;
		const stub = orders.get(orders.idFromName(workflowId)) as unknown as Releasable;
		return stub.releaseHold((this.record as BreakerRecord).downstream, probe);
	}

	/** The probe goes to the longest-held order, which leaves the list once it answered; a lost answer keeps the lease. */
	private async releaseProbe(): Promise<void> {
		for (const workflowId of this.held.oldest(5)) {
			// A pause, or a report, may have come in while the last candidate was asked.
			if (!probeMayGo(this.record as BreakerRecord, Date.now())) return;
			this.save(granted(this.record as BreakerRecord, Date.now(), this.config), null);
			const took = await this.release(workflowId, true).catch(() => null);
			if (took === null) return;
			this.held.remove(workflowId);
			if (took) return;
			this.save({ ...(this.record as BreakerRecord), probeUntil: null }, null);
		}
	}

	/** Releases up to the rate of the longest-held orders, each at a jittered point of its own slot of the second. */
	private async releaseWave(): Promise<void> {
		const perSecond = this.config.releasePerSecond;
		const slot = 1000 / perSecond;
		await Promise.all(
			this.held.oldest(perSecond).map(async (workflowId, i) => {
				await new Promise((resolve) => setTimeout(resolve, (i + Math.random()) * slot));
				const r = this.record as BreakerRecord;
				if (r.state !== "closed" || !r.releasing) return;
				try {
					await this.release(workflowId, false);
					this.held.remove(workflowId);
				} catch (error) {
					console.warn(`release of ${workflowId} failed; it stays held for the next wave`, error);
				}
			}),
		);
		this.save(this.record as BreakerRecord, null);
	}

	private async sendAlerts(): Promise<void> {
		const owed = this.sql.exec<{ id: string; body: string }>("SELECT id, body FROM outbox").toArray();
		if (owed.length === 0) return;
		try {
			const queue = platform.queue(this.env.ALERTS, "");
			await queue.sendBatch(owed.map((row) => ({ body: JSON.parse(row.body) })));
			for (const row of owed) this.sql.exec("DELETE FROM outbox WHERE id = ?", row.id);
		} catch (error) {
			this.alertsAt = Date.now() + ALERT_RETRY_MS;
			console.warn("breaker alerts not handed over; retrying", error);
		}
	}

	/** One alarm for whatever is next: owed alerts, the probe, the next wave, a lost probe's lease. */
	private async arm(): Promise<void> {
		const r = this.record;
		if (!r) return;
		const now = Date.now();
		const due: number[] = [];
		if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n > 0) due.push(this.alertsAt);
		const held = this.held.count > 0;
		if (held && r.state === "open") due.push(r.probeAfter ?? now);
		if (held && r.state === "half_open") due.push(r.probeUntil ?? now);
		if (held && r.state === "closed" && r.releasing) due.push(this.waveAt);
		if (due.length === 0) return;
		const at = Math.max(now, Math.min(...due));
		const set = await this.ctx.storage.getAlarm();
		if (set === null || set > at) await this.ctx.storage.setAlarm(at);
	}
}
