import { describe, it } from "vitest";
import type { Order } from "../../src/order/order";
import { CURRENT_WORKFLOW_VERSION } from "../../src/order/versions";
import {
	act,
	confirmPick,
	injectFault,
	inObject,
	orderBody,
	outOfStockOrder,
	placeChargedThenUnanswered,
	placeOrder,
	placeUntilCannotPick,
	placeUntilPick,
	reportCannotPick,
	settle,
} from "../helpers";
import type { Fixture } from "./replay";

// `npm run record-fixtures`: runs real orders of the current workflow version through the Worker and
// the sandbox, one per way an order can stand or end, and keeps each journal with the bodies the
// services received (test/node/fixture-reporter.ts writes them to test/replay/fixtures/v<version>/).

const SCENARIOS: Record<string, (orderId: string) => Promise<Order>> = {
	"happy-path": async (orderId) => {
		const order = orderBody(orderId);
		await confirmPick(orderId, await placeUntilPick(order));
		await settle(orderId, (s) => s.status === "completed");
		return order;
	},
	"waiting-for-pick": async (orderId) => {
		const order = orderBody(orderId);
		await placeUntilPick(order);
		return order;
	},
	compensated: async (orderId) => {
		const order = outOfStockOrder(orderId);
		await placeOrder(order);
		await settle(orderId);
		return order;
	},
	"needs-attention": async (orderId) => {
		await placeChargedThenUnanswered(orderId);
		await settle(orderId);
		return orderBody(orderId);
	},
	"cannot-pick": async (orderId) => {
		const order = orderBody(orderId);
		await reportCannotPick(orderId, await placeUntilCannotPick(order), "damaged");
		await settle(orderId, (s) => s.status === "compensated");
		return order;
	},
	"verified-applied": async (orderId) => {
		const order = orderBody(orderId);
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error_after", status: 502 });
		await confirmPick(orderId, await placeUntilPick(order));
		await settle(orderId, (s) => s.status === "completed");
		return order;
	},
	cancelled: async (orderId) => {
		const order = orderBody(orderId);
		await placeUntilPick(order);
		await act(orderId, "cancel", { reason: "recording a cancelled order" });
		await settle(orderId, (s) => s.status === "cancelled");
		return order;
	},
};

describe(`recording journals of workflow version ${CURRENT_WORKFLOW_VERSION}`, () => {
	for (const [name, run] of Object.entries(SCENARIOS)) {
		it(name, async ({ task }) => {
			const orderId = `fixture-${name}`;
			const order = await run(orderId);
			const entries = await inObject(orderId, (instance) => instance.engine.history());
			const bodies = await (await fetch(`https://sandbox.test/idempotency?workflowId=${orderId}`)).json();
			const fixture: Fixture = {
				name,
				version: CURRENT_WORKFLOW_VERSION,
				workflowId: orderId,
				order,
				entries,
				bodies,
			} as Fixture;
			Object.assign(task.meta, { fixture });
		});
	}
});
