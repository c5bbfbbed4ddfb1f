import { ledger } from "../helpers";
import type { Observation, Violation } from "./case";
import { runWorld, type WorldObservation } from "./driver";
import { worldFamilies } from "./families";
import { Progress } from "./pool";
import { type CaseResult, type ChaosMeta, formatFailure, formatWorld, tally } from "./report";
import type { ChaosSettings } from "./settings";
import { checkWorld, expectedBreakerAlerts } from "./world-checks";
import type { WorldSpec } from "./world-spec";

/** Failing cases printed in full on the console; past that, one line each (the JSON report has them all). */
const FULL_DUMPS = 25;
/** How long the alert queue may take to post a breaker's alerts, in ms. */
const DELIVERY_MS = 3_000;

/** The alert sink's posts of the world's breaker alerts, once each expected one arrived (or time ran out). */
async function breakerPosts(obs: WorldObservation) {
	const expected = obs.breakers.flatMap(expectedBreakerAlerts);
	if (obs.breakers.every((b) => (b.record?.episode ?? 0) === 0)) return [];
	const read = async () =>
		(await ledger("")).requests.filter((r) =>
			obs.breakers.some((b) => r.idempotencyKey.startsWith(`breaker:${b.name}:`)),
		);
	const until = Date.now() + DELIVERY_MS;
	let posts = await read();
	while (expected.some((id) => !posts.some((r) => r.idempotencyKey === id)) && Date.now() < until) {
		await scheduler.wait(25);
		posts = await read();
	}
	return posts;
}

function result(obs: WorldObservation, violations: Violation[], rerun: string): CaseResult {
	const orders = obs.orders;
	const statuses = orders.map((o: Observation) => o.status?.status ?? "absent");
	return {
		id: obs.spec.id,
		families: worldFamilies(obs.spec),
		orderId: obs.spec.name,
		orders: orders.length,
		status: orders.length === 1 ? (statuses[0] ?? "absent") : statuses.join("+"),
		crashes: orders.reduce((n, o) => n + o.crashes, 0),
		checkpoints: {
			committed: orders.reduce((n, o) => n + o.checkpoints.committed, 0),
			returned: orders.reduce((n, o) => n + o.checkpoints.returned, 0),
		},
		elapsedMs: obs.elapsedMs,
		violations,
		notes: orders.flatMap((o) => o.notes),
		rerun,
	};
}

/**
 * Runs worlds, checks every invariant after each, prints a failing case in full the moment it fails
 * (with its rerun command), and sums everything up for the test's verdict and the JSON report.
 */
export class Checker {
	readonly results: CaseResult[] = [];
	readonly failures: (CaseResult & { details: string })[] = [];
	readonly progress: Progress;
	private readonly startedAt = Date.now();

	constructor(
		private readonly part: ChaosMeta["part"],
		private readonly settings: ChaosSettings,
		total: number,
	) {
		this.progress = new Progress(part, total, settings.progress);
	}

	async check(spec: WorldSpec, rerun: string): Promise<WorldObservation> {
		const obs = await runWorld(spec);
		const violations = checkWorld(obs, await breakerPosts(obs));
		const res = result(obs, violations, rerun);
		this.results.push(res);
		if (violations.length > 0) {
			const details =
				obs.orders.length === 1 && obs.orders[0]
					? formatFailure(obs.orders[0], violations, rerun, obs)
					: formatWorld(obs, violations, rerun);
			// Every failure is in chaos-report.json in full; the console gets the first ones in full, then one line each.
			if (this.failures.length < FULL_DUMPS) console.log(details);
			else
				console.log(
					`CHAOS VIOLATION in case ${spec.id}: ${violations.map((x) => `[${x.invariant}] ${x.message}`).join("; ")} (rerun: ${rerun})`,
				);
			this.failures.push({ ...res, details });
		}
		this.progress.tick(violations.length);
		return obs;
	}

	meta(): ChaosMeta {
		return {
			part: this.part,
			seed: this.settings.seed,
			profile: this.settings.profile,
			...tally(this.results),
			failures: this.failures,
			elapsedMs: Date.now() - this.startedAt,
			results: this.results,
		};
	}
}
