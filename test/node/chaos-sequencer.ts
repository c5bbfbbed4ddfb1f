import { basename } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The chaos files, longest first: seconds of each kind's own run in a full run, three files at once
 * (the run of 2026-12-07, seed 1468201177; the fuzz as it runs since its bodies are read 16 KiB at a
 * time), divided by the shards it has now. Vitest's own order comes from its cache of earlier runs, or
 * from file sizes on a fresh clone (where the 4-line shard files would go last): handing out the
 * longest first keeps every worker busy to the end instead of leaving one file to finish alone.
 */
const EXPECTED_SECONDS: Record<string, number> = {
	...shards("matrix", 8, 960),
	...shards("fleet", 4, 450),
	...shards("random", 3, 306),
	"api-fuzz.test.ts": 75,
	"verify.test.ts": 18,
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
