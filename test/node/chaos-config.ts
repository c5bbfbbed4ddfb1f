import { randomInt } from "node:crypto";
import { defineConfig } from "vitest/config";
import base from "../../vitest.config";
import { type ChaosSettings, CI_SETTINGS } from "../chaos/settings";
import { ChaosReporter } from "./chaos-reporter";
import { LongestFirst } from "./chaos-sequencer";
import { muteInjectedCrashNoise } from "./mute-crash-noise";

/**
 * `npm run chaos`: the full matrix, the random schedules and the API fuzz, in the same workerd setup
 * as `npm test` (the base config's plugin: Worker under test plus sandbox). The environment is read
 * here, on the Node side, and handed to the tests through `provide`:
 *
 *   CHAOS_PROFILE=ci        what `npm test` runs (fixed seed, charge and reserve), here with progress and report
 *   CHAOS_SEED=<n>          seed of every random choice (default: a new one, printed)
 *   CHAOS_ORDERS=<n>        random orders (default 2000)
 *   CHAOS_FUZZ_RUNS=<n>     generated API requests (default 10000)
 *   CHAOS_CONCURRENCY=<n>   orders driven at once (default 16)
 *   CHAOS_CASE=<id>         rerun one matrix case, as printed in a report
 *   CHAOS_ORDER=<n>         with CHAOS_SEED, rerun one random order
 *   CHAOS_FLEETS=<n>        fleet worlds (default 500)
 *   CHAOS_FLEET=<n>         with CHAOS_SEED, rerun one fleet
 */
function whole(name: string, fallback: number, min = 0): number {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isSafeInteger(value) || value < min)
		throw new Error(`${name} must be a whole number >= ${min}, not ${raw}`);
	return value;
}

const ci = process.env.CHAOS_PROFILE === "ci";
if (!ci && (process.env.CHAOS_PROFILE ?? "full") !== "full") throw new Error("CHAOS_PROFILE must be ci or full");

export const settings: ChaosSettings = {
	profile: ci ? "ci" : "full",
	seed: whole("CHAOS_SEED", ci ? CI_SETTINGS.seed : randomInt(1, 2 ** 31)),
	orders: whole("CHAOS_ORDERS", ci ? CI_SETTINGS.orders : 2000),
	fleets: whole("CHAOS_FLEETS", ci ? CI_SETTINGS.fleets : 500),
	fuzzRuns: whole("CHAOS_FUZZ_RUNS", ci ? CI_SETTINGS.fuzzRuns : 10_000),
	concurrency: whole("CHAOS_CONCURRENCY", 16, 1),
	onlyCase: process.env.CHAOS_CASE || null,
	onlyOrder: process.env.CHAOS_ORDER ? whole("CHAOS_ORDER", 0) : null,
	onlyFleet: process.env.CHAOS_FLEET ? whole("CHAOS_FLEET", 0) : null,
	progress: true,
};

// The abort reason the harness gives every crash it injects (test/chaos/crash-plan.ts).
muteInjectedCrashNoise("injected crash", "connection reset by peer");

export default defineConfig(async (env) => {
	// Whatever shape the base config takes (an object, or a function of the environment), use all of it.
	const resolved = typeof base === "function" ? await base(env) : await base;
	return {
		...resolved,
		test: {
			...resolved.test,
			include: ["test/chaos/**/*.test.ts"],
			testTimeout: 20 * 60_000,
			// The matrix, the fleets, the random orders and the fuzz are separate files, each in a workerd of its
			// own whose test isolate keeps about 80% of a core busy (the rest is waiting on time limits and other
			// isolates): three at once fill two cores (measured: 11% less wall time than two, four were slower).
			maxWorkers: 3,
			sequence: { sequencer: LongestFirst },
			provide: { chaos: settings },
			reporters: [new ChaosReporter(settings)],
		},
	};
});
