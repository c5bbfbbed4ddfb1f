import { DurableObject } from "cloudflare:workers";
import { deliverPick } from "./pick";
import { type Decision, type FaultRule, type Operation, OperationBody, type PickTarget, SERVICE_OF } from "./schemas";

export interface SandboxEnv {
	LEDGER: DurableObjectNamespace<SandboxLedger>;
	/** How long timeout faults hold a request, in ms. Default 60,000. */
	SANDBOX_HANG_MS?: string;
	/** When set, shipments are picked this many seconds after they are scheduled. */
	SANDBOX_AUTO_PICK_SECONDS?: string;
}

/** Effect kinds as the ledger reports them: one array each in `GET /ledger`. */
const EFFECTS = {
	charge: "charges",
	refund: "refunds",
	reserve: "reservations",
	release: "releases",
	ship: "shipments",
	cancel: "shipmentCancellations",
	send: "emails",
	alert: "alerts",
} as const satisfies Record<Operation, string>;

const ID_PREFIX: Record<Operation, string> = {
	charge: "ch",
	refund: "re",
	reserve: "rs",
	release: "rl",
	ship: "sh",
	cancel: "sc",
	send: "em",
	alert: "al",
};

interface PerformInput {
	operation: Operation;
	idempotencyKey: string;
	body: unknown;
	targetId?: string;
	hangMs: number;
}

type Row = Record<string, SqlStorageValue>;

/** Keys sorted, so that the same body always fingerprints the same, whatever its key order. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
	if (value && typeof value === "object") {
		const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
	}
	return JSON.stringify(value) ?? "null";
}

const injected = (fault: FaultRule): Decision => ({
	status: fault.status,
	body: { code: "fault_injected", ...(fault.message === undefined ? {} : { message: fault.message }) },
	headers: retryAfter(fault),
});

const retryAfter = (fault: FaultRule) =>
	fault.status === 429 || fault.status === 503 ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined;

const refuse = (status: number, code: string): Decision => ({
	status,
	body: { code },
});

/**
 * The sandbox's whole state: effects, idempotency records, every request seen and the fault rules.
 * One instance serves every service, so tests read one consistent ledger.
 */
export class SandboxLedger extends DurableObject<SandboxEnv> {
	private readonly sql = this.ctx.storage.sql;

	constructor(ctx: DurableObjectState, env: SandboxEnv) {
		super(ctx, env);
		this.sql.exec(`
			CREATE TABLE IF NOT EXISTS effects (id TEXT PRIMARY KEY, kind TEXT NOT NULL, order_id TEXT, target_id TEXT,
				idempotency_key TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL);
			CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS requests (seq INTEGER PRIMARY KEY, operation TEXT NOT NULL, order_id TEXT,
				idempotency_key TEXT NOT NULL, status INTEGER NOT NULL, code TEXT, fault TEXT, at INTEGER NOT NULL);
			CREATE TABLE IF NOT EXISTS faults (id INTEGER PRIMARY KEY, service TEXT NOT NULL, operation TEXT NOT NULL, order_id TEXT,
				remaining INTEGER NOT NULL, rule TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS picks (shipment_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL);
		`);
	}

	/** Decides one downstream request: faults first, then Stripe-like idempotency, then the business rule. */
	perform({ operation, idempotencyKey, body, targetId, hangMs }: PerformInput): Decision {
		const orderId = this.orderOf(operation, body, targetId);
		const fault = this.takeFault(operation, orderId);
		const record = (decision: Decision) => {
			const code = (decision.body as { code?: unknown }).code;
			this.sql.exec(
				"INSERT INTO requests (operation, order_id, idempotency_key, status, code, fault, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				operation,
				orderId,
				idempotencyKey,
				decision.status,
				typeof code === "string" ? code : null,
				fault?.fault ?? null,
				Date.now(),
			);
			return decision;
		};
		if (fault?.fault === "error") return record(injected(fault));
		if (fault?.fault === "timeout_before") return record({ ...refuse(504, "fault_injected"), delayMs: hangMs });

		const decision = this.idempotent(operation, idempotencyKey, canonical({ targetId, body }), () =>
			this.apply(operation, idempotencyKey, body, targetId),
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

	private idempotent(operation: Operation, key: string, fingerprint: string, run: () => Decision): Decision {
		const scoped = `${operation}:${key}`;
		const stored = this.sql
			.exec("SELECT fingerprint, status, body FROM idempotency WHERE key = ?", scoped)
			.toArray()[0];
		if (stored) {
			if (stored.fingerprint !== fingerprint) return refuse(422, "idempotency_key_reused");
			return {
				status: Number(stored.status),
				body: JSON.parse(String(stored.body)),
			};
		}
		const decision = run();
		// Like Stripe: results and business refusals are replayed; validation errors are not.
		if (decision.status !== 400) {
			this.sql.exec(
				"INSERT INTO idempotency (key, fingerprint, status, body) VALUES (?, ?, ?, ?)",
				scoped,
				fingerprint,
				decision.status,
				JSON.stringify(decision.body),
			);
		}
		return decision;
	}

	private apply(operation: Operation, key: string, raw: unknown, targetId?: string): Decision {
		const parsed = OperationBody[operation].safeParse(raw);
		if (!parsed.success) return refuse(400, "invalid_request");
		const body = parsed.data as Record<string, unknown>;
		switch (operation) {
			case "charge":
				if (body.paymentMethod === "pm_card_declined") return refuse(402, "card_declined");
				return this.effect(operation, key, String(body.orderId), null, body, 201);
			case "refund": {
				const charge = this.find("charge", String(body.chargeId));
				if (!charge) return refuse(404, "charge_not_found");
				if (this.findByTarget("refund", String(charge.id))) return refuse(422, "charge_already_refunded");
				return this.effect(operation, key, charge.order_id as string, String(charge.id), body, 201);
			}
			case "reserve": {
				const items = body.items as { sku: string }[];
				if (items.some((item) => item.sku.startsWith("OOS-"))) return refuse(422, "out_of_stock");
				return this.effect(operation, key, String(body.orderId), null, body, 201);
			}
			case "ship": {
				const decision = this.effect(operation, key, String(body.orderId), null, body, 201);
				this.scheduleAutoPick((decision.body as { id: string }).id);
				return decision;
			}
			case "send":
				return this.effect(operation, key, String(body.orderId), null, body, 202);
			case "alert":
				return this.effect(operation, key, this.orderOf(operation, body) ?? "", null, body, 200);
			case "release":
			case "cancel": {
				const kind = operation === "release" ? "reserve" : "ship";
				const target = this.find(kind, targetId ?? "");
				if (!target) return refuse(404, `${EFFECTS[kind].slice(0, -1)}_not_found`);
				if (this.findByTarget(operation, String(target.id))) return refuse(422, `already_${operation}d`);
				return this.effect(operation, key, target.order_id as string, String(target.id), body, 200);
			}
		}
	}

	private effect(
		operation: Operation,
		key: string,
		orderId: string,
		targetId: string | null,
		data: object,
		status: number,
	): Decision {
		const seq = this.sql.exec("SELECT count(*) AS n FROM effects WHERE kind = ?", operation).one().n;
		const id = `${ID_PREFIX[operation]}_${Number(seq) + 1}`;
		this.sql.exec(
			"INSERT INTO effects (id, kind, order_id, target_id, idempotency_key, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			id,
			operation,
			orderId,
			targetId,
			key,
			JSON.stringify(data),
			Date.now(),
		);
		return { status, body: { id, ...(targetId ? { targetId } : {}) } };
	}

	private find(kind: Operation, id: string): Row | undefined {
		return this.sql.exec("SELECT * FROM effects WHERE kind = ? AND id = ?", kind, id).toArray()[0];
	}

	private findByTarget(kind: Operation, targetId: string): Row | undefined {
		return this.sql.exec("SELECT * FROM effects WHERE kind = ? AND target_id = ?", kind, targetId).toArray()[0];
	}

	private orderOf(operation: Operation, body: unknown, targetId?: string): string | null {
		const fromBody = (body as { orderId?: unknown; chargeId?: unknown; alert?: { orderId?: unknown } } | null) ?? {};
		if (typeof fromBody.orderId === "string") return fromBody.orderId;
		if (typeof fromBody.alert?.orderId === "string") return fromBody.alert.orderId;
		const target =
			operation === "refund" && typeof fromBody.chargeId === "string"
				? this.find("charge", fromBody.chargeId)
				: targetId
					? this.find(operation === "release" ? "reserve" : "ship", targetId)
					: undefined;
		return (target?.order_id as string | undefined) ?? null;
	}

	private takeFault(operation: Operation, orderId: string | null): FaultRule | undefined {
		const row = this.sql
			.exec(
				`SELECT id, rule FROM faults WHERE service = ? AND operation = ? AND remaining > 0
				 AND (order_id IS NULL OR order_id = ?) ORDER BY id LIMIT 1`,
				SERVICE_OF[operation],
				operation,
				orderId,
			)
			.toArray()[0];
		if (!row) return undefined;
		this.sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", row.id);
		return JSON.parse(String(row.rule));
	}

	addFault(rule: FaultRule): number {
		return Number(
			this.sql
				.exec(
					"INSERT INTO faults (service, operation, order_id, remaining, rule) VALUES (?, ?, ?, ?, ?) RETURNING id",
					rule.service,
					rule.operation,
					rule.orderId ?? null,
					rule.times,
					JSON.stringify(rule),
				)
				.one().id,
		);
	}

	clearFaults(): void {
		this.sql.exec("DELETE FROM faults");
	}

	shipments(orderId?: string) {
		return this.effects("ship", orderId).map(({ data, ...rest }) => ({
			...rest,
			...data,
		}));
	}

	pickTarget(shipmentId: string): PickTarget | null {
		const row = this.find("ship", shipmentId);
		if (!row) return null;
		const data = JSON.parse(String(row.data));
		return {
			shipmentId,
			callbackUrl: data.callbackUrl,
			callbackToken: data.callbackToken,
		};
	}

	/** Everything every service did, optionally for one order. */
	ledger(orderId?: string) {
		const effects = Object.fromEntries(
			(Object.keys(EFFECTS) as Operation[]).map((operation) => [EFFECTS[operation], this.effects(operation, orderId)]),
		);
		const requests = this.sql
			.exec(
				`SELECT operation, order_id AS orderId, idempotency_key AS idempotencyKey, status, code, fault, at FROM requests
				 WHERE ? IS NULL OR order_id = ? ORDER BY seq`,
				orderId ?? null,
				orderId ?? null,
			)
			.toArray();
		return { ...effects, requests };
	}

	private effects(kind: Operation, orderId?: string) {
		return this.sql
			.exec(
				`SELECT id, order_id AS orderId, target_id AS targetId, idempotency_key AS idempotencyKey, data, at FROM effects
				 WHERE kind = ? AND (? IS NULL OR order_id = ?) ORDER BY at, id`,
				kind,
				orderId ?? null,
				orderId ?? null,
			)
			.toArray()
			.map((row) => ({
				...row,
				data: JSON.parse(String(row.data)) as Record<string, unknown>,
			}));
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
				deliverPick(target).catch((error) => console.warn("auto-pick failed", target.shipmentId, error)),
			),
		);
		await this.rearm();
	}
}
