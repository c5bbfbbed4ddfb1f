import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderBody, pickToken, placeOrder, settle } from "../helpers";
import { FIXTURES, fuzzRequest } from "./api-arbitraries";
import { ApiOracle } from "./api-oracle";
import type { Fixture } from "./api-request";
import { Progress } from "./pool";
import type { ChaosMeta } from "./report";
import { chaosSettings, rerunCommand } from "./settings";

const settings = chaosSettings();

/** Uses up the budget of the fuzz's flooded key (see api-values.ts), so generated requests meet the limit. */
async function flood(): Promise<void> {
	const probe = () =>
		exports.default.fetch("https://orders.test/orders/not%20an%20id", {
			headers: { Authorization: "Bearer test-burst-key-fuzz1" },
		});
	for (let sent = 0; sent < 1_000; sent += 100) await Promise.all(Array.from({ length: 100 }, probe));
}

/** An order that exists and waits for the warehouse: a request that names it and is rejected must leave it exactly as it is. */
async function fixture(name: string): Promise<Fixture> {
	const orderId = `fx${name}`;
	await placeOrder(orderBody(orderId));
	await settle(orderId);
	return { orderId, token: await pickToken(orderId) };
}

describe(`bad input against the HTTP API (${settings.profile} profile, seed ${settings.seed})`, () => {
	it(
		"answers every generated request 2xx or 4xx problem+json, never 5xx, and a rejected one writes nothing",
		async ({ task }) => {
			const started = Date.now();
			const focused = settings.onlyCase !== null || settings.onlyOrder !== null || settings.onlyFleet !== null;
			const runs = focused ? 0 : settings.fuzzRuns;
			const tag = settings.seed.toString(36);
			const fixtures = await Promise.all(Array.from({ length: FIXTURES }, (_, n) => fixture(`${tag}-${n}`)));
			const oracle = new ApiOracle(fixtures, tag, fixture);
			if (runs > 0) await flood();
			const progress = new Progress("fuzz requests", runs, settings.progress);
			let failure: string | null = null;
			if (runs > 0) {
				try {
					await fc.assert(
						fc.asyncProperty(fuzzRequest, async (request) => {
							const problems = await oracle.check(request);
							progress.tick(problems.length);
							if (problems.length > 0) throw new Error(problems.join("\n"));
						}),
						{ seed: settings.seed, numRuns: runs },
					);
				} catch (error) {
					// fast-check keeps the property's own error as the cause: the report must say what failed.
					const cause =
						error instanceof Error && error.cause !== undefined ? `\nCaused by: ${String(error.cause)}` : "";
					failure = `${String(error)}${cause}`;
				}
			}
			const rerun = rerunCommand(settings, {});
			const meta: ChaosMeta = {
				part: "fuzz",
				seed: settings.seed,
				profile: settings.profile,
				cases: oracle.requests,
				violations: failure ? 1 : 0,
				outcomes: Object.fromEntries(Object.entries(oracle.statuses).map(([status, n]) => [`http ${status}`, n])),
				families: {},
				crashes: 0,
				hiccups: 0,
				failures: failure
					? [
							{
								id: "fuzz",
								families: [],
								orderId: "",
								status: "",
								crashes: 0,
								checkpoints: { committed: 0, returned: 0 },
								elapsedMs: 0,
								violations: [{ invariant: "api", message: String(failure) }],
								notes: [],
								rerun,
								details: String(failure),
							},
						]
					: [],
				elapsedMs: Date.now() - started,
			};
			Object.assign(task.meta, { chaos: meta });
			if (!settings.progress)
				console.log(
					`chaos fuzz: ${oracle.requests} requests (seed ${settings.seed}), statuses ${JSON.stringify(oracle.statuses)}`,
				);
			if (failure) console.log(`CHAOS VIOLATION in the API fuzz (rerun: ${rerun})\n${String(failure)}`);
			expect(failure, `API fuzz failed; rerun: ${rerun}`).toBeNull();
			expect(oracle.requests).toBeGreaterThanOrEqual(runs * 0.9);
		},
		20 * 60_000,
	);
});
