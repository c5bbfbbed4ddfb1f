import { CRASH_MESSAGE } from "./crash-plan";

/**
 * Every crash the harness injects makes the Worker log it ("workflow run failed", "unhandled error"),
 * as it should in production. Thousands of those lines would bury the one that matters, so while
 * chaos runs, console.error drops exactly the lines that carry the injected crash's message; anything
 * else still prints. Returns the function that restores the console.
 */
export function muteInjectedCrashLogs(): () => void {
	const original = console.error;
	console.error = (...args: unknown[]) => {
		if (args.some((arg) => String(arg).includes(CRASH_MESSAGE))) return;
		original(...args);
	};
	return () => {
		console.error = original;
	};
}
