import { platform } from "../src/ops/platform";

/**
 * Each order object's incarnation, by workflow id: a new one each time an instance is constructed or a
 * test crashes it. A test that keeps a reference to an instance reads it directly only while the count
 * is still the one it saw; any other time it must go through the object. Installed by test/setup.ts.
 */
const incarnations = new Map<string, number>();

export const incarnationOf = (workflowId: string): number => incarnations.get(workflowId) ?? 0;

export function newIncarnation(workflowId: string): void {
	incarnations.set(workflowId, incarnationOf(workflowId) + 1);
}

/** Counts constructions: an order's object asks the platform for its workflow versions once, as it starts. */
export function installIncarnations(): void {
	const versionsOf = platform.workflows;
	platform.workflows = (versions, workflowId) => {
		newIncarnation(workflowId);
		return versionsOf(versions, workflowId);
	};
}
