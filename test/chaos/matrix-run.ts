import { describe, expect, it } from "vitest";
import { Checker } from "./checker";
import { crashPoints, findMatrixCase, matrixCase, scenarios } from "./matrix";
import { concludePart, muteForFile } from "./part";
import { limiter } from "./pool";
import { chaosSettings, rerunCommand } from "./settings";
import type { WorldSpec } from "./world-spec";

/**
 * The matrix, in `shards` test files that Vitest runs side by side: shard `shard` takes every
 * `shards`-th scenario. Each scenario runs uncrashed first, which counts the checkpoints its run
 * passes, then (when it crashes everywhere) once per checkpoint, crashed there.
 */
export function matrixTest(shard: number, shards: number): void {
	const settings = chaosSettings();
	muteForFile();

	describe(`chaos matrix (${settings.profile} profile, part ${shard + 1} of ${shards})`, () => {
		it(
			"every single fault, crashed at every checkpoint of its run, keeps every invariant",
			async ({ task }) => {
				const focused = settings.onlyCase !== null || settings.onlyOrder !== null || settings.onlyFleet !== null;
				const list = focused ? [] : scenarios(settings.profile).filter((_, i) => i % shards === shard);
				const only = settings.onlyCase !== null && shard === 0 ? settings.onlyCase : null;
				const checker = new Checker("matrix", settings, list.length + (only !== null ? 1 : 0));
				const rerun = (caseId: string) => rerunCommand(settings, { caseId });

				if (only !== null) await checker.check(findMatrixCase(only), rerun(only));

				const gate = limiter(settings.concurrency);
				const check = (spec: WorldSpec) => gate(() => checker.check(spec, rerun(spec.id)));
				await Promise.all(
					list.map(async (scenario) => {
						const baseline = await check(matrixCase(scenario, null));
						if (!scenario.crashEverywhere) return;
						// Up to the crash, a rerun passes the same checkpoints as the uncrashed run.
						const crashed = crashPoints(baseline.orders[0]?.checkpoints ?? { committed: 0, returned: 0 }).map((point) =>
							matrixCase(scenario, point),
						);
						checker.progress.grow(crashed.length);
						await Promise.all(crashed.map(check));
					}),
				);

				const meta = concludePart(
					task,
					checker,
					settings,
					"matrix",
					(part) => `chaos matrix part ${shard + 1}: ${part.cases} cases, ${part.violations} violations`,
				);
				if (!focused) expect(meta.cases).toBeGreaterThanOrEqual(list.length);
			},
			20 * 60_000,
		);
	});
}
