import { basename } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The chaos files, longest first, as measured on the full profile (seconds of a file's own run, two at
 * once; the fleets' halves estimated). Vitest's own order comes from its cache of earlier runs, or from
 * file sizes on a fresh clone (where the 4-line matrix files would go last): handing out the longest
 * first keeps every worker busy to the end instead of leaving one file to finish alone.
 */
const EXPECTED_SECONDS: Record<string, number> = {
	"matrix-1.test.ts": 230,
	"matrix-2.test.ts": 230,
	"matrix-3.test.ts": 230,
	"random.test.ts": 185,
	"fleet-1.test.ts": 180,
	"fleet-2.test.ts": 180,
	"api-fuzz.test.ts": 95,
	"verify.test.ts": 15,
};

export class LongestFirst extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const weight = (spec: TestSpecification) => EXPECTED_SECONDS[basename(spec.moduleId)] ?? 0;
		return [...(await super.sort(files))].sort((a, b) => weight(b) - weight(a));
	}
}
