import { DurableObject } from "cloudflare:workers";
import { Business } from "./business";
import { EFFECTS, EffectTable } from "./effects";
import { FaultTable, injected, isDefinitive } from "./faults";
import { FenceTable } from "./fences";
import { IdempotencyTable, KEY_REUSED, refuse } from "./idempotency";
import { deliverPick } from "./pick";
import { RequestLog } from "./requests";
import {
	type Decision,
	type FaultOperation,
	type FaultRule,
	Operation,
	OperationBody,
	type PickTarget,
	SERVICE_OF,
	type Service,
	type VerifiedService,
	WAREHOUSE_EVENTS,
	type WarehouseAnswer,
} from "./schemas";

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

interface Arrival {
	idempotencyKey: string;
	hangMs: number;
	/** The W3C trace context the caller sent, kept so that tests can follow an order's trace. */
	traceparent: string | null;
	/** The request was held back by an `arrive_late` fault and arrives now: no other fault applies to it. */
	late?: boolean;
}

interface PerformInput extends Arrival {
	operation: Operation;
	/** The caller's `Idempotency-Attempt` (0 when it sent none): what a fence compares. */
	attempt: number;
	body: unknown;
	targetId?: string;
}

/** A question about a key (the verify contract): the service, the key, and the last attempt to fence if it is absent. */
interface VerifyInput extends Arrival {
	service: VerifiedService;
	fence: number;
	orderId: string | null;
}

const OPERATIONS_OF = (service: Service) => Operation.options.filter((operation) => SERVICE_OF[operation] === service);

/**
 * The sandbox's whole state: effects, idempotency records, fences, every request seen and the fault
 * rules. One instance serves every service, so tests read one consistent ledger.
 */
export class SandboxLedger extends DurableObject<SandboxEnv> {
	private readonly sql = this.ctx.storage.sql;
	private readonly faults = new FaultTable(this.sql);
	private readonly effects = new EffectTable(this.sql);
	private readonly idempotency = new IdempotencyTable(this.sql);
	private readonly fences = new FenceTable(this.sql);
	private readonly requests = new RequestLog(this.sql);
	private readonly business = new Business(this.effects, (shipmentId) => this.scheduleAutoPick(shipmentId));

	constructor(ctx: DurableObjectState, env: SandboxEnv) {
		super(ctx, env);
		this.sql.exec("CREATE TABLE IF NOT EXISTS picks (shipment_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
	}

	/** Decides one downstream request: faults first, then fences, then Stripe-like idempotency, then the business rule. */
	perform(input: PerformInput): Decision {
		const { operation, idempotencyKey, body, targetId } = input;
		const orderId = this.business.orderOf(operation, body, targetId);
		const service = SERVICE_OF[operation];
		return this.answer({ ...input, orderId }, service, (refusal) => {
			const fenced = this.fences.refusal(service, idempotencyKey, input.attempt);
			if (fenced) return fenced;
			return this.idempotency.once(
				operation,
				idempotencyKey,
				{ targetId, body },
				() => refusal ?? this.business.apply(operation, idempotencyKey, body, targetId),
			);
		});
	}

	/**
	 * Answers what became of a key (the verify contract, in the README): `applied` with the answer the
	 * request got, if the service has one that did; otherwise `absent`, and the key is fenced through
	 * the caller's last attempt first, so a copy still on its way can never apply. Faults apply to it
	 * like to any request, under the operation `verify`.
	 */
	verify(input: VerifyInput): Decision {
		const { service, idempotencyKey, fence } = input;
		return this.answer({ ...input, operation: "verify" }, service, (refusal) => {
			if (refusal) return refusal;
			const stored = this.idempotency.stored(OPERATIONS_OF(service), idempotencyKey);
			if (stored && stored.status < 300) return { status: 200, body: { outcome: "applied", result: stored.body } };
			// No answer, or a refusal kept under the key (which a retry gets again): it never took effect, and now never will.
			this.fences.fence(service, idempotencyKey, fence);
			return { status: 200, body: { outcome: "absent", fenced: true, fencedThrough: fence } };
		});
	}

	/**
	 * Applies the request's fault (if one is left for it) around `decide`, and records the request with
	 * its answer. A definitive refusal is the service's own answer: like Stripe, it is decided behind the
	 * idempotency layer and stored (`decide` is handed it), so a key that already has an answer keeps it.
	 * Other errors (5xx, 408, 409, 429) come from in front of it (a gateway, a rate limiter) and touch
	 * nothing; "same key, other body" is the idempotency layer's own answer, so a fault playing it answers
	 * in front of it too. A request an `arrive_late` fault holds back is recorded when it arrives.
	 */
	private answer(
		request: Arrival & { operation: FaultOperation; orderId: string | null },
		service: Service,
		decide: (refusal: Decision | undefined) => Decision,
	): Decision {
		const fault = request.late ? undefined : this.faults.take(service, request.operation, request.orderId);
		if (fault?.fault === "arrive_late") return { status: 0, body: {}, arrivesInMs: fault.latencyMs };
		const seen = { ...request, fault: request.late ? "arrive_late" : (fault?.fault ?? null) };
		const record = (decision: Decision) => this.requests.record(seen, decision);
		const refusal = fault?.fault === "error" && isDefinitive(fault.status) && fault.code !== KEY_REUSED;
		if (fault?.fault === "error" && !refusal) return record(injected(fault));
		if (fault?.fault === "timeout_before") return record({ ...refuse(504, "fault_injected"), delayMs: request.hangMs });
		const decision = decide(fault && refusal ? injected(fault) : undefined);
		switch (fault?.fault) {
			case "timeout_after":
				return record({ ...decision, delayMs: request.hangMs });
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

	/**
	 * Where the warehouse's `answer` about a shipment goes: null for no such shipment, `unwanted` for a
	 * shipment that was given no callback for it (one booked by workflow version 1 cannot be refused).
	 */
	pickTarget(shipmentId: string, answer: WarehouseAnswer = "pick"): PickTarget | "unwanted" | null {
		const row = this.effects.find("ship", shipmentId);
		if (!row) return null;
		const data = OperationBody.ship.parse(JSON.parse(String(row.data)));
		const callback = answer === "pick" ? data : data.cannotPick;
		if (!callback) return "unwanted";
		return { shipmentId, event: WAREHOUSE_EVENTS[answer], ...callback };
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
		return { ...effects, requests: this.requests.list(orderId) };
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
			const target = this.pickTarget(String(shipment_id));
			return target && target !== "unwanted" ? [target] : [];
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
