import { afterAll, beforeAll, expect } from "vitest";
import type { Checker } from "./checker";
import { muteInjectedCrashLogs } from "./quiet";
import { failureSummary } from "./report";
import type { ChaosSettings } from "./settings";
import type { ChaosMeta } from "./summary";

/** The crashes and faults a chaos file injects keep their log lines to themselves, from its first test to its last. */
export function muteForFile(): void {
	let unmute: () => void;
	beforeAll(() => {
		unmute = muteInjectedCrashLogs();
	});
	afterAll(() => unmute());
}

/**
 * A part's end: its numbers on the test for the reporter, one line when no progress was shown, and a
 * failure that names every broken case and how to rerun it.
 */
export function concludePart(
	task: { meta: object },
	checker: Checker,
	settings: ChaosSettings,
	what: string,
	line: (meta: ChaosMeta) => string,
): ChaosMeta {
	const meta = checker.meta();
	Object.assign(task.meta, { chaos: meta });
	if (!settings.progress) console.log(line(meta));
	expect(
		checker.failures.map((f) => f.id),
		failureSummary(what, checker.failures),
	).toEqual([]);
	return meta;
}
