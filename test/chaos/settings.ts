import { inject } from "vitest";

/**
 * How much chaos to run. `npm test` provides nothing and gets the CI profile (fixed seed, charge and
 * reserve steps only); `npm run chaos` provides the full profile from its Node-side config, where the
 * environment (CHAOS_SEED and friends) can be read.
 */
export interface ChaosSettings {
	profile: "ci" | "full";
	/** Every random choice (schedules, fast-check) derives from it. */
	seed: number;
	/** Random schedules to run. */
	orders: number;
	/** Fleet worlds to run (several orders sharing breakers each). */
	fleets: number;
	/** Requests fast-check generates against the HTTP API. */
	fuzzRuns: number;
	/** Orders driven at once: timeouts wait on the wall clock, so cases overlap well. */
	concurrency: number;
	/** Rerun one matrix case by its id, or one random order by its index; everything else is skipped. */
	onlyCase: string | null;
	onlyOrder: number | null;
	onlyFleet: number | null;
	/** Print progress lines while running. */
	progress: boolean;
}

declare module "vitest" {
	export interface ProvidedContext {
		chaos: ChaosSettings;
	}
}

/** The CI profile's fixed seed: `npm test` explores the same cases on every run. */
export const CI_SEED = 20261126;

export const CI_SETTINGS: ChaosSettings = {
	profile: "ci",
	seed: CI_SEED,
	orders: 60,
	// One fleet of each shape (fleet.ts).
	fleets: 10,
	fuzzRuns: 400,
	concurrency: 16,
	onlyCase: null,
	onlyOrder: null,
	onlyFleet: null,
	progress: false,
};

export function chaosSettings(): ChaosSettings {
	return inject("chaos") ?? CI_SETTINGS;
}

/** How to run one failure again, as a shell command. */
export function rerunCommand(
	settings: ChaosSettings,
	what: { caseId?: string; order?: number; fleet?: number },
): string {
	if (what.caseId !== undefined) return `CHAOS_CASE='${what.caseId}' npm run chaos`;
	if (what.order !== undefined) return `CHAOS_SEED=${settings.seed} CHAOS_ORDER=${what.order} npm run chaos`;
	if (what.fleet !== undefined) return `CHAOS_SEED=${settings.seed} CHAOS_FLEET=${what.fleet} npm run chaos`;
	// A CI run is replayed as a CI run: the same seed with the same (smaller) numbers of orders and requests.
	return `${settings.profile === "ci" ? "CHAOS_PROFILE=ci " : ""}CHAOS_SEED=${settings.seed} npm run chaos`;
}
