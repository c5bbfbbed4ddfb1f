import { platform } from "../src/ops/platform";

/**
 * The structured log lines the code wrote, kept here instead of printed: thousands of journal lines
 * per test file would bury the test output. Bounded, newest kept.
 */
export const logged: Record<string, unknown>[] = [];

export function installLogSink(): void {
	platform.log = (line) => {
		logged.push(line);
		if (logged.length > 20_000) logged.splice(0, 10_000);
	};
}
