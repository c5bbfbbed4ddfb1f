import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is isolated per test file, so each file gets the schema anew.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
