import { DurableObject } from "cloudflare:workers";
import { EFFECTS, EffectTable } from "./effects";
import { FaultTable, injected, isDefinitive } from "./faults";
import { IdempotencyTable, KEY_REUSED, refuse } from "./idempotency";
import { deliverPick } from "./pick";
import { type Decision, type FaultRule, type Operation, OperationBody, type PickTarget } from "./schemas";

export interface SandboxEnv {
	LEDGER: DurableObjectNamespace<SandboxLedger>;
	/** How long timeout faults hold a request, in ms. Default 60,000. */
	SANDBOX_HANG_MS?: string;
	/** When set, shipments are picked this many seconds after they are scheduled. */
	SANDBOX_AUTO_PICK_SECONDS?: string;
	/** When set (a secret), every route needs `Authorization: Bearer <key>`. A deployed sandbox must set it. */
	SANDBOX_KEY?: string;
	/** The only origin pick callbacks are sent to. Default http://127.0.0.1:8787. */
	ORCHESTRATOR_URL?: string;
}

interface PerformInput {
	operation: Operation;
	idempotencyKey: string;
	body: unknown;
	targetId?: string;
	hangMs: number;
	/** The W3C trace context the caller sent, kept so that tests can follow an order's trace. */
	traceparent: string | null;
}

/**
 * The sandbox's whole state: effects, idempotency records, every request seen and the fault rules.
 * One instance serves every service, so tests read one consistent ledger.
 */
export class SandboxLedger extends DurableObject<SandboxEnv> {
	private readonly sql = this.ctx.storage.sql;
	private readonly faults = new FaultTable(this.sql);
	private readonly effects = new EffectTable(this.sql);
	private readonly idempotency = new IdempotencyTable(this.sql);

	constructor(ctx: DurableObjectState, env: SandboxEnv) {
		super(ctx, env);
		this.sql.exec(`
			CREATE TABLE IF NOT EXISTS requests (seq INTEGER PRIMARY KEY, operation TEXT NOT NULL, order_id TEXT,
				idempotency_key TEXT NOT NULL, status INTEGER NOT NULL, code TEXT, fault TEXT, at INTEGER NOT NULL);
			CREATE TABLE IF NOT EXISTS picks (shipment_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL);
			CREATE INDEX IF NOT EXISTS requests_by_order ON requests (order_id, seq);
		`);
		// A sandbox whose state predates trace contexts gets the column once.
		const columns = this.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('requests')").toArray();
		if (!columns.some((c) => c.name === "traceparent"))
			this.sql.exec("ALTER TABLE requests ADD COLUMN traceparent TEXT");
	}

	/** Decides one downstream request: faults first, then Stripe-like idempotency, then the business rule. */
	perform({ operation, idempotencyKey, body, targetId, hangMs, traceparent }: PerformInput): Decision {
		const orderId = this.orderOf(operation, body, targetId);
		const fault = this.faults.take(operation, orderId);
		const record = (decision: Decision) => {
			const code = (decision.body as { code?: unknown }).code;
			this.sql.exec(
				"INSERT INTO requests (operation, order_id, idempotency_key, status, code, fault, at, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				operation,
				orderId,
				idempotencyKey,
				decision.status,
				typeof code === "string" ? code : null,
				fault?.fault ?? null,
				Date.now(),
				traceparent,
			);
			return decision;
		};
		// A definitive refusal is the service's own answer: like Stripe, it is decided behind the idempotency
		// layer and stored, so a key that already has an answer keeps it. Other errors (5xx, 408, 409, 429)
		// come from in front of it (a gateway, a rate limiter) and touch nothing.
		// "Same key, other body" is the idempotency layer's own answer: a fault playing it answers in front of it too.
		const refusal = fault?.fault === "error" && isDefinitive(fault.status) && fault.code !== KEY_REUSED;
		if (fault?.fault === "error" && !refusal) return record(injected(fault));
		if (fault?.fault === "timeout_before") return record({ ...refuse(504, "fault_injected"), delayMs: hangMs });

		const decision = this.idempotency.once(operation, idempotencyKey, { targetId, body }, () =>
			fault && refusal ? injected(fault) : this.apply(operation, idempotencyKey, body, targetId),
		);
		switch (fault?.fault) {
			case "timeout_after":
				return record({ ...decision, delayMs: hangMs });
			case "latency":
				return record({ ...decision, delayMs: fault.latencyMs });
			case "error_after":
				return record(injected(fault));
			case "garbage_after":
				return record({ ...decision, status: 200, spoil: "garbage" });
			case "reset_after":
				return record({ ...decision, spoil: "reset" });
			default:
				return record(decision);
		}
	}

	private apply(operation: Operation, key: string, raw: unknown, targetId?: string): Decision {
		const parsed = OperationBody[operation].safeParse(raw);
		if (!parsed.success) return refuse(400, "invalid_request");
		const body = parsed.data as Record<string, unknown>;
		switch (operation) {
			case "charge":
				if (body.paymentMethod === "pm_card_declined") return refuse(402, "card_declined");
				return this.effects.record(operation, key, String(body.orderId), null, body, 201);
			case "refund": {
				const charge = this.effects.find("charge", String(body.chargeId));
				if (!charge) return refuse(404, "charge_not_found");
				if (this.effects.findByTarget("refund", String(charge.id))) return refuse(422, "charge_already_refunded");
				return this.effects.record(operation, key, charge.order_id as string, String(charge.id), body, 201);
			}
			case "reserve": {
				const items = body.items as { sku: string }[];
				if (items.some((item) => item.sku.startsWith("OOS-"))) return refuse(422, "out_of_stock");
				return this.effects.record(operation, key, String(body.orderId), null, body, 201);
			}
			case "ship": {
				const decision = this.effects.record(operation, key, String(body.orderId), null, body, 201);
				this.scheduleAutoPick((decision.body as { id: string }).id);
				return decision;
			}
			case "send":
				return this.effects.record(operation, key, String(body.orderId), null, body, 202);
			case "alert":
				return this.effects.record(operation, key, this.orderOf(operation, body) ?? "", null, body, 200);
			case "release":
			case "cancel": {
				const kind = operation === "release" ? "reserve" : "ship";
				const target = this.effects.find(kind, targetId ?? "");
				if (!target) return refuse(404, `${EFFECTS[kind].slice(0, -1)}_not_found`);
				if (this.effects.findByTarget(operation, String(target.id))) return refuse(422, `already_${operation}d`);
				return this.effects.record(operation, key, target.order_id as string, String(target.id), body, 200);
			}
		}
	}

	private orderOf(operation: Operation, body: unknown, targetId?: string): string | null {
		const fromBody = (body as { orderId?: unknown; chargeId?: unknown; alert?: { orderId?: unknown } } | null) ?? {};
		if (typeof fromBody.orderId === "string") return fromBody.orderId;
		if (typeof fromBody.alert?.orderId === "string") return fromBody.alert.orderId;
		const target =
			operation === "refund" && typeof fromBody.chargeId === "string"
				? this.effects.find("charge", fromBody.chargeId)
				: targetId
					? this.effects.find(operation === "release" ? "reserve" : "ship", targetId)
					: undefined;
		return (target?.order_id as string | undefined) ?? null;
	}

	addFault(rule: FaultRule): number {
		return this.faults.add(rule);
	}

	clearFaults(orderId?: string): void {
		this.faults.clear(orderId);
	}

	shipments(orderId?: string) {
		return this.effects.list("ship", orderId).map(({ data, ...rest }) => ({
			...rest,
			...data,
		}));
	}

	pickTarget(shipmentId: string): PickTarget | null {
		const row = this.effects.find("ship", shipmentId);
		if (!row) return null;
		const data = JSON.parse(String(row.data));
		return {
			shipmentId,
			callbackUrl: data.callbackUrl,
			callbackToken: data.callbackToken,
		};
	}

	/** The request bodies received under one workflow's idempotency keys, canonical: for replay fixtures. */
	bodies(workflowId: string) {
		return this.idempotency.bodies(workflowId);
	}

	/** Everything every service did, optionally for one order. */
	ledger(orderId?: string) {
		const effects = Object.fromEntries(
			(Object.keys(EFFECTS) as Operation[]).map((operation) => [
				EFFECTS[operation],
				this.effects.list(operation, orderId),
			]),
		);
		const requests = this.sql
			.exec(
				`SELECT operation, order_id AS orderId, idempotency_key AS idempotencyKey, status, code, fault, at, traceparent FROM requests
				 ${orderId === undefined ? "" : "WHERE order_id = ?"} ORDER BY seq`,
				...(orderId === undefined ? [] : [orderId]),
			)
			.toArray();
		return { ...effects, requests };
	}

	/** Off unless `SANDBOX_AUTO_PICK_SECONDS` is set, so that a human step really waits by default. */
	private scheduleAutoPick(shipmentId: string): void {
		const seconds = this.env.SANDBOX_AUTO_PICK_SECONDS;
		if (seconds === undefined || seconds === "") return;
		const dueAt = Date.now() + Number(seconds) * 1000;
		this.sql.exec("INSERT OR REPLACE INTO picks (shipment_id, due_at) VALUES (?, ?)", shipmentId, dueAt);
		void this.rearm();
	}

	private async rearm(): Promise<void> {
		const next = this.sql.exec("SELECT min(due_at) AS at FROM picks").one().at;
		if (next === null) await this.ctx.storage.deleteAlarm();
		else await this.ctx.storage.setAlarm(Number(next));
	}

	override async alarm(): Promise<void> {
		const due = this.sql.exec("SELECT shipment_id FROM picks WHERE due_at <= ?", Date.now()).toArray();
		const targets = due.flatMap(({ shipment_id }) => {
			this.sql.exec("DELETE FROM picks WHERE shipment_id = ?", shipment_id);
			return this.pickTarget(String(shipment_id)) ?? [];
		});
		// Many pickers: every due pick is called back at once, not one after another.
		// A failed callback is the warehouse's problem to retry by hand (POST .../pick); log it and move on.
		await Promise.all(
			targets.map((target) =>
				deliverPick(target, this.env.ORCHESTRATOR_URL).catch((error) =>
					console.warn("auto-pick failed", target.shipmentId, error),
				),
			),
		);
		await this.rearm();
	}
}
