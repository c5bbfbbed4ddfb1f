import { defineConfig } from "vitest/config";
import { findChromium, NO_CHROMIUM } from "./test/browser/chromium";

// The console in a real browser: Node-side tests that start `wrangler dev` (orchestrator and sandbox)
// on free ports and drive Chromium with playwright-core. Without a Chromium they are skipped, loudly;
// under CI=true that is a failure, so CI never passes without having run them.
const chromium = findChromium();
if (!chromium) {
	console.warn(`\n${NO_CHROMIUM}\n`);
	if (process.env.CI === "true")
		throw new Error("CI=true: the browser tests must run, and there is no Chromium to run them in.");
}

export default defineConfig({
	test: {
		include: ["test/browser/**/*.test.ts"],
		globalSetup: ["./test/browser/servers.ts"],
		provide: { chromium: chromium ?? "", orchestrator: "", sandbox: "" },
		// The files mostly wait (on wrangler, the order's backoff, the browser): they run side by side
		// even on two cores, each with its own Chromium, against the one pair of servers.
		maxWorkers: 3,
		testTimeout: 60_000,
		hookTimeout: 90_000,
	},
});
