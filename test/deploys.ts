import type { WorkflowVersions } from "../src/engine/versions";
import { platform } from "../src/ops/platform";
import { worldOf } from "./clock";
import { crash } from "./helpers";

/** What a deploy changes for a world: settings (vars and secrets, as in wrangler.jsonc), and the workflow versions. */
export interface Deployment {
	config?: Record<string, string>;
	versions?: (shipped: WorkflowVersions<unknown>, workflowId: string) => WorkflowVersions<unknown>;
}

/** The deployment each world runs now, if it is not the one the tests started with. */
const deployed = new Map<string, Deployment>();

/**
 * A deploy, as one world of orders sees it: the objects restart with other settings or other code.
 * Installed for every test file by test/setup.ts; with nothing deployed, the bindings are used untouched.
 */
export function installDeploys(): void {
	platform.config = (env, workflowId) => {
		const config = deployed.get(worldOf(workflowId))?.config;
		return config ? { ...env, ...config } : env;
	};
	platform.workflows = (versions, workflowId) => {
		const change = deployed.get(worldOf(workflowId))?.versions;
		return (change ? change(versions as WorkflowVersions<unknown>, workflowId) : versions) as typeof versions;
	};
}

/**
 * Gives a world the deployment it starts with, with no restart: settings of its own (a simulated fleet's
 * breaker thresholds), or workflow versions older than the code's.
 */
export function startWith(world: string, deployment: Deployment): void {
	const before = deployed.get(world) ?? {};
	deployed.set(world, {
		config: { ...before.config, ...deployment.config },
		versions: deployment.versions ?? before.versions,
	});
}

/** The settings a world runs with now, beyond the test bindings. */
export const deployedConfig = (workflowId: string) => deployed.get(worldOf(workflowId))?.config ?? {};

/**
 * Deploys `deployment` to the world of `orderIds` (its settings are added to the last deploy's) and
 * restarts their objects, as a deploy does: each order's next wake runs on it.
 */
export async function deploy(orderIds: readonly string[], deployment: Deployment): Promise<void> {
	const [first = ""] = orderIds;
	const world = worldOf(first);
	const before = deployed.get(world) ?? {};
	deployed.set(world, {
		config: { ...before.config, ...deployment.config },
		versions: deployment.versions ?? before.versions,
	});
	for (const orderId of orderIds) await crash(orderId);
}
