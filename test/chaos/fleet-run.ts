import { describe, it } from "vitest";
import { Checker } from "./checker";
import { FLEET_SHAPES, fleetCase } from "./fleet";
import { concludePart, muteForFile } from "./part";
import { runPool } from "./pool";
import { chaosSettings, rerunCommand } from "./settings";

// Fleet `i` has shape `i % 10`, and shapes differ in cost: the shards take turns within each round of
// shapes, and the turn moves on by one each round, so that every shard gets its share of each shape.
const shardOf = (index: number, shards: number) => (index + Math.floor(index / FLEET_SHAPES.length)) % shards;

/**
 * The fleets, in `shards` test files that Vitest runs side by side, so that no one file holds the
 * run's longest part on a single core.
 */
export function fleetTest(shard: number, shards: number): void {
	const settings = chaosSettings();
	muteForFile();

	describe(`chaos fleets (${settings.profile} profile, seed ${settings.seed}, part ${shard + 1} of ${shards})`, () => {
		it(
			"orders sharing breakers through outages, pauses, probes, cancels, redrives and deploys keep every invariant",
			async ({ task }) => {
				const { seed } = settings;
				const all =
					settings.onlyFleet !== null
						? [settings.onlyFleet]
						: settings.onlyCase !== null || settings.onlyOrder !== null
							? []
							: Array.from({ length: settings.fleets }, (_, i) => i);
				const indexes = all.filter((index) => shardOf(index, shards) === shard);
				const checker = new Checker("fleet", settings, indexes.length);
				// Fleets hold several orders each: fewer of them at once keep as many orders in flight as the other files.
				await runPool(indexes, Math.max(1, Math.round(settings.concurrency / 4)), (index) =>
					checker.check(fleetCase(seed, index), rerunCommand(settings, { fleet: index })),
				);
				concludePart(
					task,
					checker,
					settings,
					`fleet (seed ${seed})`,
					(meta) =>
						`chaos fleets part ${shard + 1}: ${meta.cases} fleets (seed ${seed}), ${meta.violations} violations`,
				);
			},
			20 * 60_000,
		);
	});
}
