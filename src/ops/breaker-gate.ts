import { type Admission, type CallOutcome, type DownstreamGate, REPORT_TIMEOUT_MS } from "../engine/gate";
import { withinMs } from "../engine/time";
import type { DownstreamBreaker } from "./breaker";
import type { AdmitAnswer, BreakerReport } from "./breaker-state";
import { breakerConfig } from "./config";
import { platform } from "./platform";

/** Per isolate, per breaker: until when calls may go without asking. */
const trusted = new Map<string, number>();

/**
 * Per isolate, per breaker: outcomes not yet reported, and the report on its way, if one is: what it
 * carries, and since when (real time) it is on its way. The objects of an isolate share it, and one that
 * dies mid-report takes its promise along: a report older than its time limit is taken back and sent again.
 */
interface Pending extends BreakerReport {
	sending: { promise: Promise<void>; report: BreakerReport | null; since: number } | null;
	/** When the successes not yet reported began to be counted. */
	successesSince: number;
}
const pending = new Map<string, Pending>();

const ADMITTED: Admission = { admitted: true, probe: false };

/** After a report the breaker did not take, when it goes again, in ms (a failure or a probe must not wait for the next call). */
const RESEND_MS = 1_000;

const owed = (batch: BreakerReport) => batch.failures > 0 || batch.probe !== null;

/**
 * The breakers as an order's object sees them. A closed breaker is trusted for `BREAKER_CACHE_MS`
 * without a round trip; failures are reported at once but coalesced (one report in flight per breaker
 * per isolate, carrying everything since the last), and successes ride along with them, so the
 * healthy path adds no call. Every answer refreshes the isolate's view, so a change reaches it
 * within the cache time. Time is the breaker's clock, as the platform gives it.
 */
export function breakerGate(env: Env): DownstreamGate {
	const { cacheMs, windowMs } = breakerConfig(env);
	const breakers = env.BREAKERS as unknown as DurableObjectNamespace<DownstreamBreaker>;
	const stub = (name: string) => breakers.get(breakers.idFromName(name));
	const trust = (name: string, fast: boolean) => {
		if (fast) trusted.set(name, platform.now(name) + cacheMs);
		else trusted.delete(name);
	};
	const trusts = (name: string) => (trusted.get(name) ?? 0) > platform.now(name);

	/** Sends what is owed, one report at a time; a report the breaker did not take is kept and sent again. */
	async function drain(downstream: string, name: string, batch: Pending, mine: NonNullable<Pending["sending"]>) {
		while (owed(batch) && batch.sending === mine) {
			const report = pickReport(batch);
			Object.assign(batch, { ...EMPTY, successesSince: platform.now(name) });
			mine.report = report;
			try {
				platform.count("breaker", name);
				trust(name, (await withinMs(stub(name).report(downstream, name, report), REPORT_TIMEOUT_MS, name)).fast);
				mine.report = null;
			} catch (error) {
				takeBack(batch, mine);
				console.warn(`report to breaker ${name} failed; sending it again`, error);
				setTimeout(() => kick(downstream, name, batch), RESEND_MS);
				return;
			}
		}
	}

	function kick(downstream: string, name: string, batch: Pending): Promise<void> {
		const stale = batch.sending && Date.now() - batch.sending.since > REPORT_TIMEOUT_MS;
		if (batch.sending && stale) takeBack(batch, batch.sending);
		if (batch.sending) return batch.sending.promise;
		if (!owed(batch)) return Promise.resolve();
		const mine: NonNullable<Pending["sending"]> = { promise: Promise.resolve(), report: null, since: Date.now() };
		batch.sending = mine;
		mine.promise = drain(downstream, name, batch, mine).finally(() => {
			if (batch.sending === mine) batch.sending = null;
		});
		return mine.promise;
	}

	return {
		trusts: (downstream, workflowId) => trusts(platform.breaker(downstream, workflowId)),
		admit(downstream, workflowId, held) {
			const name = platform.breaker(downstream, workflowId);
			return platform.admission(workflowId, async () => {
				if (!held && trusts(name)) return ADMITTED;
				platform.count("breaker", workflowId);
				const answer: AdmitAnswer = await stub(name).admit(downstream, name, workflowId);
				trust(name, answer.fast);
				return answer.admission;
			});
		},
		report(downstream, workflowId, outcome: CallOutcome, probe, code) {
			const name = platform.breaker(downstream, workflowId);
			let batch = pending.get(name);
			if (!batch) {
				batch = { ...EMPTY, sending: null, successesSince: 0 };
				pending.set(name, batch);
			}
			// Successes ride along with the next failure: only those of about the breaker's window, or a
			// healthy hour would outweigh the failures of a beginning outage and keep the breaker closed.
			const now = platform.now(name);
			if (now - batch.successesSince > windowMs) Object.assign(batch, { successes: 0, successesSince: now });
			if (probe) Object.assign(batch, { probe: outcome, prober: workflowId });
			else if (outcome === "failure") batch.failures++;
			else if (outcome === "success") batch.successes++;
			if (code) batch.lastFailure = code;
			if (outcome === "failure") trusted.delete(name);
			return kick(downstream, name, batch);
		},
	};
}

const EMPTY = { successes: 0, failures: 0, lastFailure: null, probe: null, prober: null } as const;

/** Puts a report that did not get through back with what is owed, and forgets the send: counts open breakers, a probe decides one. */
function takeBack(batch: Pending, sending: NonNullable<Pending["sending"]>): void {
	const report = sending.report;
	if (batch.sending === sending) batch.sending = null;
	sending.report = null;
	if (!report) return;
	batch.successes += report.successes;
	batch.failures += report.failures;
	batch.lastFailure ??= report.lastFailure;
	if (batch.probe === null) Object.assign(batch, { probe: report.probe, prober: report.prober });
}

const pickReport = ({ successes, failures, lastFailure, probe, prober }: BreakerReport): BreakerReport => ({
	successes,
	failures,
	lastFailure,
	probe,
	prober: probe === null ? null : (prober ?? null),
});
