import type { Workflow } from "./steps";

/**
 * Every version of a workflow the code still has, by number. A workflow keeps the version it
 * started with for its whole life: replayed against other code, a renamed, removed or inserted step
 * would run twice, lose its undo or run out of order. New workflows start on the newest.
 */
export type WorkflowVersions<Input> = Readonly<Record<number, Workflow<Input>>>;

/** The version of journals written before versions were recorded. */
export const FIRST_VERSION = 1;

export function newestVersion(versions: Readonly<Record<number, unknown>>): number {
	const numbers = Object.keys(versions).map(Number);
	if (numbers.length === 0) throw new Error("a workflow needs at least one version");
	return Math.max(...numbers);
}

/** The workflow has a version the code no longer has: it must not be replayed against other code. */
export class UnknownWorkflowVersion extends Error {
	override name = "UnknownWorkflowVersion";
	readonly code = "unknown_workflow_version";
	constructor(version: number, versions: WorkflowVersions<unknown>) {
		super(
			`started on workflow version ${version}, which this code no longer has (it has ${Object.keys(versions).join(", ")}); a person decides`,
		);
	}
}

export function workflowOf<Input>(versions: WorkflowVersions<Input>, version: number): Workflow<Input> {
	const workflow = versions[version];
	if (!workflow) throw new UnknownWorkflowVersion(version, versions);
	return workflow;
}
