import { CRASH_MESSAGE } from "./crash-plan";

/** What the harness injects says so in its message: a crash, a platform fault, a hand-over it makes hang. */
const INJECTED = [CRASH_MESSAGE, "injected fault", "no answer in"];

/**
 * Every crash and fault the harness injects makes the Worker log it ("workflow run failed", "index
 * write failed; retrying"), as it should in production. Thousands of those lines would bury the one
 * that matters, so while chaos runs, console.error and console.warn drop exactly the lines that carry
 * an injected failure's message; anything else still prints. Returns the function that restores them.
 */
export function muteInjectedCrashLogs(): () => void {
	const { error, warn } = console;
	const quiet =
		(log: (...args: unknown[]) => void) =>
		(...args: unknown[]) => {
			if (args.some((arg) => INJECTED.some((marker) => String(arg).includes(marker)))) return;
			log(...args);
		};
	console.error = quiet(error);
	console.warn = quiet(warn);
	return () => {
		console.error = error;
		console.warn = warn;
	};
}
