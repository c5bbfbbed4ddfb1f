import { existsSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { muteInjectedCrashNoise } from "./test/node/mute-crash-noise";
import { SummaryReporter } from "./test/node/summary-reporter";

/** Secrets and settings of the Worker under test; the sandbox stands in for every downstream service. */
export const TEST_BINDINGS = {
	// Two keys of the default tenant (one unnamed, so named by its position), one of tenant "acme",
	// three of tenant "burst" that only the rate-limit test and the API fuzz use, and two of tenant
	// "streams" that only the event-stream caps test uses.
	API_KEYS:
		"test-client-key-0001, shop:test-client-key-0002, acme:shop:test-acme-key-00001, burst:a:test-burst-key-0000a, burst:b:test-burst-key-0000b, burst:fuzz:test-burst-key-fuzz1, streams:viewer:test-streams-key-0001, streams:other:test-streams-key-0002",
	OPERATOR_KEYS: "alice:test-operator-key-01, test-operator-key-02",
	CALLBACK_SECRET: "test-callback-secret-0123456789",
	PAYMENTS_URL: "https://sandbox.test/payments",
	INVENTORY_URL: "https://sandbox.test/inventory",
	SHIPPING_URL: "https://sandbox.test/shipping",
	EMAIL_URL: "https://sandbox.test/email",
	PUBLIC_BASE_URL: "https://orders.test",
	// Not the local settings, which serve loopback hosts only: the tests' requests go to orders.test.
	ENVIRONMENT: "test",
	ALERT_WEBHOOK_URL: "https://sandbox.test/alerts",
	// Short, so that timeout faults cost a quarter second, not ten.
	DOWNSTREAM_TIMEOUT_MS: "250",
	CONSUMER_TIMEOUT_MS: "250",
	// People sign in to the console through Cloudflare Access; its keys come from the sandbox, on loopback.
	ACCESS_TEAM_DOMAIN: "https://access.test",
	ACCESS_AUD: "test-access-aud",
	// The breakers keep their defaults: they run on the controlled clock, so waiting them out costs nothing.
};

/** The key of the locked sandbox the sandbox-key test talks to. */
export const SANDBOX_KEY = "test-sandbox-key-0001";

// The Worker's config requires these secrets; wrangler looks for them in process.env before the bindings apply.
process.env.API_KEYS ??= TEST_BINDINGS.API_KEYS;
process.env.CALLBACK_SECRET ??= TEST_BINDINGS.CALLBACK_SECRET;
process.env.OPERATOR_KEYS ??= TEST_BINDINGS.OPERATOR_KEYS;
process.env.ALERT_WEBHOOK_URL ??= TEST_BINDINGS.ALERT_WEBHOOK_URL;

// Miniflare keeps each run's storage in a temporary directory; on tmpfs (where the machine has one) the
// thousands of SQLite writes of a chaos run cost no disk I/O, which made the matrix a third faster.
if (!process.env.TMPDIR && existsSync("/dev/shm")) process.env.TMPDIR = "/dev/shm";

// Every crash a test injects makes workerd print an uncaught-exception line; they are expected, not news.
muteInjectedCrashNoise("injected crash", "connection reset by peer");

/** The queues of wrangler.jsonc, delivering at once and retrying without delay, so tests wait milliseconds, not seconds. */
const queueConsumers = {
	"order-dead-letters": {
		maxBatchTimeout: 0,
		maxRetries: 10,
		retryDelay: 0,
		deadLetterQueue: "order-dead-letters-dlq",
	},
	"order-dead-letters-dlq": { maxBatchTimeout: 0, maxRetries: 100, retryDelay: 0 },
	"order-alerts": { maxBatchTimeout: 0, maxRetries: 2, retryDelay: 0, deadLetterQueue: "order-alerts-dlq" },
	"order-alerts-dlq": { maxBatchTimeout: 0 },
	"order-index": { maxBatchTimeout: 0, maxRetries: 10, retryDelay: 0, deadLetterQueue: "order-index-dlq" },
	"order-index-dlq": { maxBatchTimeout: 0, maxRetries: 100, retryDelay: 0 },
};

export default defineConfig(async () => ({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.jsonc" },
			miniflare: {
				bindings: { ...TEST_BINDINGS, TEST_MIGRATIONS: await readD1Migrations("./migrations") },
				serviceBindings: { LOCKED_SANDBOX: "sandbox-locked" },
				queueConsumers,
				// Every outbound fetch of the Worker under test (and of the tests) reaches the sandbox Worker.
				outboundService: "sandbox",
				workers: [
					{
						name: "sandbox",
						modules: true,
						scriptPath: "./.build/sandbox/index.js",
						compatibilityDate: "2026-10-15",
						durableObjects: {
							LEDGER: { className: "SandboxLedger", useSQLite: true },
						},
						bindings: { SANDBOX_HANG_MS: "2000" },
					},
					{
						name: "sandbox-locked",
						modules: true,
						scriptPath: "./.build/sandbox/index.js",
						compatibilityDate: "2026-10-15",
						durableObjects: {
							LEDGER: { className: "SandboxLedger", useSQLite: true },
						},
						bindings: { SANDBOX_KEY: SANDBOX_KEY, ORCHESTRATOR_URL: "https://orders.test" },
					},
				],
			},
		}),
	],
	test: {
		include: ["test/**/*.test.ts"],
		// The browser tests run in Node, with their own config (vitest.browser.config.ts).
		exclude: [...configDefaults.exclude, "test/browser/**"],
		setupFiles: ["./test/setup.ts"],
		testTimeout: 30_000,
		reporters: ["default", new SummaryReporter()],
	},
}));
