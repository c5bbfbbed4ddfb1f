import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Step } from "../../src/engine/steps";
import type { WorkflowVersions } from "../../src/engine/versions";
import { type Deployment, deploy, deployedConfig, startWith } from "../deploys";
import type { DeployChange } from "./world-spec";

/**
 * The workflow versions a world's code has, as the upgrade of workflow version 2 ships them: version 1
 * only before it (`before`), both once version 2 is added, version 2 only once version 1 is removed.
 */
const only = (version: number) => (versions: WorkflowVersions<unknown>) =>
	Object.fromEntries(Object.entries(versions).filter(([v]) => Number(v) === version));
const shipped = {
	before: only(1),
	"add-v2": (versions: WorkflowVersions<unknown>) => versions,
	"remove-v1": only(2),
} satisfies Record<string, Deployment["versions"]>;

/** A world that deploys workflow versions starts before version 2, as every deployment once did. */
export function startBeforeVersion2(world: string): void {
	startWith(world, { versions: shipped.before });
}

/** The `step` a workflow sees, with every step's question about its doubts taken away. */
const unasked = (step: Step): Step => ({
	run: (name, action, options) => step.run(name, action, options && { ...options, verify: undefined }),
	waitForEvent: (name, options) => step.waitForEvent(name, options),
	waitForAny: (names, options) => step.waitForAny(names, options),
	fail: (code, message) => step.fail(code, message),
});

/**
 * A world whose code never asks a service about a step in doubt, as before verify existed: what the
 * verify family measures its effect against.
 */
export function startWithoutVerify(world: string): void {
	startWith(world, {
		versions: (versions) =>
			Object.fromEntries(
				Object.entries(versions).map(([version, workflow]) => [
					version,
					{ ...workflow, run: (input: unknown, step: Step) => workflow.run(input, unasked(step)) },
				]),
			),
	});
}

/**
 * A deploy as an operator following the README makes it: a secret rotated (the new one first, the
 * old one kept after), the public URL or the downstream key changed, or a workflow version added or
 * removed. Every order's object and every breaker restarts.
 */
export async function applyDeploy(orderIds: string[], breakers: string[], change: DeployChange): Promise<void> {
	const [first = ""] = orderIds;
	const generation = Object.keys(deployedConfig(first)).length + 1;
	if ("versions" in change) await deploy(orderIds, { versions: shipped[change.versions] });
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
