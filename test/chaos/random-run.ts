import { describe, it } from "vitest";
import { Checker } from "./checker";
import { concludePart, muteForFile } from "./part";
import { runPool } from "./pool";
import { randomCase } from "./random-schedule";
import { chaosSettings, rerunCommand } from "./settings";

/** The random orders, in `shards` test files that Vitest runs side by side: shard `shard` takes every `shards`-th order. */
export function randomTest(shard: number, shards: number): void {
	const settings = chaosSettings();
	muteForFile();

	describe(`chaos random schedules (${settings.profile} profile, seed ${settings.seed}, part ${shard + 1} of ${shards})`, () => {
		it(
			"orders with several faults and crashes at once keep every invariant",
			async ({ task }) => {
				const { seed } = settings;
				const all =
					settings.onlyOrder !== null
						? [settings.onlyOrder]
						: settings.onlyCase !== null || settings.onlyFleet !== null
							? []
							: Array.from({ length: settings.orders }, (_, i) => i);
				const indexes = all.filter((index) => index % shards === shard);
				if (indexes.length > 0)
					console.log(
						`[chaos] random schedules, part ${shard + 1}: ${indexes.length} orders, seed ${seed} (CHAOS_SEED=${seed} reproduces them)`,
					);
				const checker = new Checker("random", settings, indexes.length);
				await runPool(indexes, settings.concurrency, (index) =>
					checker.check(randomCase(seed, index), rerunCommand(settings, { order: index })),
				);

				concludePart(
					task,
					checker,
					settings,
					`random (seed ${seed})`,
					(meta) =>
						`chaos random part ${shard + 1}: ${meta.cases} orders (seed ${seed}), ${meta.violations} violations`,
				);
			},
			20 * 60_000,
		);
	});
}
