import type { CaseSpec, Observation } from "./case";
import { runCase } from "./driver";
import { checkInvariants } from "./invariants";
import { Progress } from "./pool";
import { type CaseResult, type ChaosMeta, caseResult, formatFailure, tally } from "./report";
import type { ChaosSettings } from "./settings";

/** Failing cases printed in full on the console; past that, one line each (the JSON report has them all). */
const FULL_DUMPS = 25;

/**
 * Runs cases, checks every invariant after each, prints a failing case in full the moment it fails
 * (with its rerun command), and sums everything up for the test's verdict and the JSON report.
 */
export class Checker {
	readonly results: CaseResult[] = [];
	readonly failures: (CaseResult & { details: string })[] = [];
	readonly progress: Progress;
	private readonly startedAt = Date.now();

	constructor(
		private readonly part: ChaosMeta["part"],
		private readonly settings: ChaosSettings,
		total: number,
	) {
		this.progress = new Progress(part, total, settings.progress);
	}

	async check(spec: CaseSpec, rerun: string): Promise<Observation> {
		const obs = await runCase(spec);
		const violations = checkInvariants(obs);
		const result = caseResult(obs, violations, rerun);
		this.results.push(result);
		if (violations.length > 0) {
			const details = formatFailure(obs, violations, rerun);
			// Every failure is in chaos-report.json in full; the console gets the first ones in full, then one line each.
			if (this.failures.length < FULL_DUMPS) console.log(details);
			else
				console.log(
					`CHAOS VIOLATION in case ${spec.id}: ${violations.map((x) => `[${x.invariant}] ${x.message}`).join("; ")} (rerun: ${rerun})`,
				);
			this.failures.push({ ...result, details });
		}
		this.progress.tick(violations.length);
		return obs;
	}

	meta(): ChaosMeta {
		return {
			part: this.part,
			seed: this.settings.seed,
			profile: this.settings.profile,
			...tally(this.results),
			failures: this.failures,
			elapsedMs: Date.now() - this.startedAt,
			results: this.results,
		};
	}
}
