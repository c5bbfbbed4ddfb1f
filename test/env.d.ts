/// <reference types="vite/client" />
import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			/** The D1 migrations, read by vitest.config.ts and applied before each test file. */
			TEST_MIGRATIONS: D1Migration[];
			/** A second sandbox, as deployed: SANDBOX_KEY set, callbacks only to https://orders.test. */
			LOCKED_SANDBOX: Fetcher;
		}
	}
}
