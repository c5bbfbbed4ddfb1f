import type { Workflow } from "../engine/steps";
import { newestVersion, type WorkflowVersions } from "../engine/versions";
import type { Order } from "./order";
import type { Services } from "./services";
import { placeOrder } from "./workflow";
import { placeOrderV1 } from "./workflow-v1";

type OrderWorkflow = (services: Services, pickDeadlineMs: number) => Workflow<Order>;

/**
 * Every version of the order workflow that may still have orders in flight; new orders start on the
 * newest, and each order runs on the version it started with until it ends. A change that would
 * replay differently for an order already under way (a step renamed, removed, inserted or moved, or
 * a step sending another body) is a new version, never an edit: see "Changing the workflow" in the
 * README. `npm test` replays recorded journals of every version here and fails on such an edit.
 */
const VERSIONS: Readonly<Record<number, OrderWorkflow>> = { 1: placeOrderV1, 2: placeOrder };

/** The version new orders start on. */
export const CURRENT_WORKFLOW_VERSION = newestVersion(VERSIONS);

export function orderWorkflows(services: Services, pickDeadlineMs: number): WorkflowVersions<Order> {
	return Object.fromEntries(
		Object.entries(VERSIONS).map(([version, make]) => [version, make(services, pickDeadlineMs)]),
	);
}
