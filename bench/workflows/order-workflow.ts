import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { type CallbackSecret, callbackSecrets, signCallbackToken } from "../../src/order/callback-token";
import type { Order } from "../../src/order/order";
import { DEFAULT_TENANT } from "../../src/order/tenant";
import { Refused } from "../shared/downstream";
import { keyOf, PICK_EVENT, pickUrl, type ServiceUrls, services } from "../shared/services";

export interface WorkflowsEnv extends ServiceUrls {
	ORDER_WORKFLOW: Workflow<Order>;
	PUBLIC_BASE_URL: string;
	CALLBACK_SECRET: string;
}

/** `finishedAt` is when the last step returned, the counterpart of the orchestrator's `updatedAt`. */
export type OrderOutcome = { status: "completed" | "compensated"; failure?: string; finishedAt: number };

/** The orchestrator's defaults: 5 attempts, backoff from 1 s doubling, 10 s per attempt. */
const STEP: WorkflowStepConfig = {
	retries: { limit: 4, delay: "1 second", backoff: "exponential" },
	timeout: "10 seconds",
};
const PICK_DEADLINE_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * The orchestrator's order workflow, written on Cloudflare Workflows: one `step.do` per downstream
 * call, `step.waitForEvent` for the warehouse's pick, and the undos run in reverse when a step fails
 * for good before the pick.
 */
export class OrderWorkflow extends WorkflowEntrypoint<WorkflowsEnv, Order> {
	override async run(event: Readonly<WorkflowEvent<Order>>, step: WorkflowStep): Promise<OrderOutcome> {
		const order = event.payload;
		const api = services(this.env);
		// A refusal must not be retried: Workflows only stops on NonRetryableError.
		const act = (name: string, call: () => Promise<{ id: string }>) =>
			step.do(name, STEP, async () => {
				try {
					return await call();
				} catch (error) {
					if (error instanceof Refused) throw new NonRetryableError(error.code);
					throw error;
				}
			});
		const undos: { name: string; undo: () => Promise<{ id: string }> }[] = [];

		try {
			const charge = await act("charge-payment", () => api.charge(order, keyOf(order, "charge-payment")));
			undos.push({
				name: "charge-payment",
				undo: () => api.refund(order, charge.id, keyOf(order, "charge-payment:undo")),
			});

			const reservation = await act("reserve-inventory", () => api.reserve(order, keyOf(order, "reserve-inventory")));
			undos.push({
				name: "reserve-inventory",
				undo: () => api.release(order, reservation.id, keyOf(order, "reserve-inventory:undo")),
			});

			const shipment = await act("schedule-shipping", async () => {
				// The same token on every retry, so a retried step sends the very same body under the same key.
				const [secret] = await callbackSecrets([this.env.CALLBACK_SECRET]);
				const claims = { tenant: DEFAULT_TENANT, orderId: order.orderId, event: PICK_EVENT };
				const token = await signCallbackToken(secret as CallbackSecret, claims);
				const callback = { url: pickUrl(this.env.PUBLIC_BASE_URL, order.orderId), token };
				return api.ship(order, callback, keyOf(order, "schedule-shipping"));
			});
			undos.push({
				name: "schedule-shipping",
				undo: () => api.cancel(order, shipment.id, keyOf(order, "schedule-shipping:undo")),
			});

			await step.waitForEvent(PICK_EVENT, { type: PICK_EVENT, timeout: PICK_DEADLINE_MS });
		} catch (error) {
			for (const { name, undo } of undos.toReversed()) await step.do(`${name}:undo`, STEP, undo);
			const failure = error instanceof Error ? error.message : String(error);
			return { status: "compensated", failure, finishedAt: Date.now() };
		}

		// Past the pick there is nothing to undo: a failing email leaves the instance errored, for a human.
		await act("send-confirmation", () => api.email(order, keyOf(order, "send-confirmation")));
		return { status: "completed", finishedAt: Date.now() };
	}
}
