import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { z } from "zod";
import { postJson } from "../../src/engine/http";
import type { Workflow } from "../../src/engine/steps";
import type { WorkflowVersions } from "../../src/engine/versions";
import { platform } from "../../src/ops/platform";
import { orderConfig } from "../../src/order/config";
import type { Order } from "../../src/order/order";
import { createServices } from "../../src/order/services";
import { orderRefOf } from "../../src/order/tenant";
import { placeOrder } from "../../src/order/workflow";
import { deploy, deployedConfig } from "../deploys";
import type { DeployChange } from "./world-spec";

/** The confirmation template of each workflow version the simulation deploys: an order's email says which code ran it. */
export const TEMPLATE_OF: Record<number, string> = { 1: "order-confirmation", 2: "order-confirmation-v2" };

/**
 * Version 2 of the order workflow, as a team would ship it: the same steps, another confirmation body.
 * An order started on version 1 that some code ran on version 2 would send that body under a key that
 * already has another, or a body its version never sends; both are caught.
 */
function version2(workflowId: string): Workflow<Order> {
	const config = orderConfig(platform.config(env, workflowId));
	const services = createServices(config, () => orderRefOf(workflowId).tenant);
	const auth: Record<string, string> = config.downstreamApiKey
		? { Authorization: `Bearer ${config.downstreamApiKey}` }
		: {};
	const email = {
		sendConfirmation: (order: Order) => (call: Parameters<typeof postJson>[2]) =>
			postJson(
				`${config.emailUrl}/messages`,
				{ orderId: order.orderId, to: order.customer.email, template: TEMPLATE_OF[2] },
				call,
				z.object({ id: z.string() }),
				auth,
			),
	};
	return placeOrder({ ...services, email }, config.pickDeadlineMs);
}

const versionsAfter = (change: "add-v2" | "remove-v1") => (shipped: WorkflowVersions<unknown>, workflowId: string) => {
	const v2 = version2(workflowId) as Workflow<unknown>;
	return change === "add-v2" ? { ...shipped, 2: v2 } : { 2: v2 };
};

/**
 * A deploy as an operator following the README makes it: a secret rotated (the new one first, the
 * old one kept after), the public URL or the downstream key changed, or a workflow version added or
 * removed. Every order's object and every breaker restarts.
 */
export async function applyDeploy(orderIds: string[], breakers: string[], change: DeployChange): Promise<void> {
	const [first = ""] = orderIds;
	const generation = Object.keys(deployedConfig(first)).length + 1;
	if ("versions" in change) await deploy(orderIds, { versions: versionsAfter(change.versions) });
	else {
		const current = deployedConfig(first);
		const config: Record<string, string> = {
			"rotate-secret": {
				CALLBACK_SECRET: `r${generation}:rotated-secret-${generation}-0123456789,${current.CALLBACK_SECRET ?? env.CALLBACK_SECRET}`,
			},
			"base-url": { PUBLIC_BASE_URL: `https://orders-moved-${generation}.test` },
			"api-key": { DOWNSTREAM_API_KEY: `rotated-downstream-key-${generation}` },
		}[change.config];
		await deploy(orderIds, { config });
	}
	for (const name of breakers)
		await runInDurableObject(env.BREAKERS.get(env.BREAKERS.idFromName(name)), (_, state) =>
			state.abort("injected crash"),
		).catch(() => undefined);
}
