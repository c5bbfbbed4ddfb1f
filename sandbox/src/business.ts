import { EFFECTS, type EffectTable } from "./effects";
import { refuse } from "./idempotency";
import { type Decision, type Operation, OperationBody } from "./schemas";

/** The services' business rules: what each operation does to the effects, and whose order a request is about. */
export class Business {
	constructor(
		private readonly effects: EffectTable,
		/** A shipment was booked, with this id: the warehouse may pick it. */
		private readonly shipped: (shipmentId: string) => void,
	) {}

	apply(operation: Operation, key: string, raw: unknown, targetId?: string): Decision {
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
				this.shipped((decision.body as { id: string }).id);
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

	orderOf(operation: Operation, body: unknown, targetId?: string): string | null {
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
}
