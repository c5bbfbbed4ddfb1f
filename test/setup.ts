import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { installClock } from "./clock";
import { installLogSink } from "./logs";
import { installPlatformFaults } from "./platform-faults";

// Storage is isolated per test file, so each file gets the schema anew.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
installClock();
installPlatformFaults();
installLogSink();
