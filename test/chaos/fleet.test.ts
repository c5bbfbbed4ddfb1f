import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Checker } from "./checker";
import { fleetCase } from "./fleet";
import { runPool } from "./pool";
import { muteInjectedCrashLogs } from "./quiet";
import { failureSummary } from "./report";
import { chaosSettings, rerunCommand } from "./settings";

const settings = chaosSettings();
let unmute: () => void;
beforeAll(() => {
	unmute = muteInjectedCrashLogs();
});
afterAll(() => unmute());

describe(`chaos fleets (${settings.profile} profile, seed ${settings.seed})`, () => {
	it(
		"orders sharing breakers through outages, pauses, probes, cancels, redrives and deploys keep every invariant",
		async ({ task }) => {
			const { seed } = settings;
			const indexes =
				settings.onlyFleet !== null
					? [settings.onlyFleet]
					: settings.onlyCase !== null || settings.onlyOrder !== null
						? []
						: Array.from({ length: settings.fleets }, (_, i) => i);
			const checker = new Checker("fleet", settings, indexes.length);
			// Fleets hold several orders each: fewer of them at once keep as many orders in flight as the other files.
			await runPool(indexes, Math.max(1, Math.round(settings.concurrency / 4)), (index) =>
				checker.check(fleetCase(seed, index), rerunCommand(settings, { fleet: index })),
			);
			const meta = checker.meta();
			Object.assign(task.meta, { chaos: meta });
			if (!settings.progress)
				console.log(`chaos fleets: ${meta.cases} fleets (seed ${seed}), ${meta.violations} violations`);
			expect(
				checker.failures.map((f) => f.id),
				failureSummary(`fleet (seed ${seed})`, checker.failures),
			).toEqual([]);
		},
		20 * 60_000,
	);
});
