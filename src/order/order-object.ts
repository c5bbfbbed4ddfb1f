import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { type Delivery, WorkflowEngine } from "../engine/engine";
import { orderConfig } from "./config";
import { Order } from "./order";
import { createServices, PICK_EVENT } from "./services";
import { type OrderHistory, type OrderStatus, orderHistory, orderStatus } from "./status";
import { placeOrder } from "./workflow";

/** What the warehouse confirms with its callback. */
export const PickConfirmation = z
	.object({
		token: z.string().min(1).max(2048),
		pickedBy: z.string().min(1).max(200),
		pickedAt: z.iso.datetime({ offset: true }),
	})
	.meta({ id: "PickConfirmation" });
export type PickConfirmation = z.infer<typeof PickConfirmation>;

export type PlaceOutcome = "created" | "exists" | "conflict";

/** One order, one object: its journal, its alarm, its single run at a time. */
export class OrderObject extends DurableObject<Env> {
	/** Public for the tests' crash seam (`engine.onCheckpoint`) through `runInDurableObject`. */
	readonly engine: WorkflowEngine<Order>;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		const config = orderConfig(env);
		this.engine = new WorkflowEngine(ctx.storage, {
			workflow: placeOrder(createServices(config), config.pickDeadlineMs),
			parseInput: (input) => Order.parse(input),
			retry: { attemptTimeoutMs: config.downstreamTimeoutMs },
		});
	}

	/** Places the order once. The same body again is the same order; a different body under its id is a conflict. */
	async place(input: Order): Promise<{ outcome: PlaceOutcome; status: OrderStatus }> {
		this.engine.countRequest();
		const order = Order.parse(input);
		const state = this.engine.state;
		let outcome: PlaceOutcome = "exists";
		if (!state.started) {
			outcome = (await this.engine.start(order.orderId, order)) ? "created" : "exists";
		} else if (JSON.stringify(Order.parse(state.input)) !== JSON.stringify(order)) {
			outcome = "conflict";
		}
		return { outcome, status: this.snapshot() };
	}

	/** Null for an order that was never placed; reading it writes nothing. */
	status(): OrderStatus | null {
		this.engine.countRequest();
		return this.engine.state.started ? this.snapshot() : null;
	}

	history(): OrderHistory | null {
		this.engine.countRequest();
		const state = this.engine.state;
		return state.started ? orderHistory(state.workflowId, this.engine.history()) : null;
	}

	/** The warehouse's pick, its token already verified by the Worker. */
	confirmPick(confirmation: Omit<PickConfirmation, "token">): Promise<Delivery> {
		this.engine.countRequest();
		const { pickedBy, pickedAt } = z.object({ pickedBy: z.string(), pickedAt: z.string() }).parse(confirmation);
		return this.engine.deliver(PICK_EVENT, { pickedBy, pickedAt });
	}

	override async alarm(): Promise<void> {
		this.engine.countRequest();
		await this.engine.alarm();
	}

	private snapshot(): OrderStatus {
		const state = this.engine.state;
		return orderStatus(Order.parse(state.input), state, this.engine.usage);
	}
}
