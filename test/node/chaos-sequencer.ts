import { basename } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The chaos files, longest first: seconds of a file's own run in a full run, three at once (the run of
 * 2026-12-07, seed 313080451, with the matrix in three files, the fleets in two and the random orders in
 * one, divided by the shards they have now). Vitest's own order comes from its cache of earlier runs,
 * or from file sizes on a fresh clone (where the 4-line shard files would go last): handing out the
 * longest first keeps every worker busy to the end instead of leaving one file to finish alone.
 */
const EXPECTED_SECONDS: Record<string, number> = {
	...shards("fleet", 3, 260 * 2),
	...shards("matrix", 6, 324 * 3),
	...shards("random", 2, 317),
	"api-fuzz.test.ts": 102,
	"verify.test.ts": 25,
};

function shards(name: string, count: number, seconds: number): Record<string, number> {
	return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${name}-${i + 1}.test.ts`, seconds / count]));
}

export class LongestFirst extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const weight = (spec: TestSpecification) => EXPECTED_SECONDS[basename(spec.moduleId)] ?? 0;
		return [...(await super.sort(files))].sort((a, b) => weight(b) - weight(a));
	}
}
