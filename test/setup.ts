import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { installBreakerScopes } from "./breakers";
import { installClock } from "./clock";
import { installCounts } from "./counts";
import { installDeploys } from "./deploys";
import { installIncarnations } from "./incarnations";
import { installLogSink } from "./logs";
import { installPlatformFaults } from "./platform-faults";

// Storage is isolated per test file, so each file gets the schema anew.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
installClock();
installBreakerScopes();
installPlatformFaults();
installCounts();
installDeploys();
// After the deploys: it wraps the workflow versions they give.
installIncarnations();
installLogSink();
