import type { Admission, CallOutcome, DownstreamGate } from "../engine/gate";
import type { DownstreamBreaker } from "./breaker";
import type { AdmitAnswer, BreakerReport } from "./breaker-state";
import { breakerConfig } from "./config";
import { platform } from "./platform";

/** Per isolate, per breaker: until when calls may go without asking. */
const trusted = new Map<string, number>();

/** Per isolate, per breaker: outcomes not yet reported, and whether a report is on its way. */
interface Pending extends BreakerReport {
	sending: boolean;
	/** When the successes not yet reported began to be counted. */
	successesSince: number;
}
const pending = new Map<string, Pending>();

const ADMITTED: Admission = { admitted: true, probe: false };

/**
 * The breakers as an order's object sees them. A closed breaker is trusted for `BREAKER_CACHE_MS`
 * without a round trip; failures are reported at once but coalesced (one report in flight per breaker
 * per isolate, carrying everything since the last), and successes ride along with them, so the
 * healthy path adds no call. Every answer refreshes the isolate's view, so a change reaches it
 * within the cache time.
 */
export function breakerGate(env: Env): DownstreamGate {
	const { cacheMs, windowMs } = breakerConfig(env);
	const breakers = env.BREAKERS as unknown as DurableObjectNamespace<DownstreamBreaker>;
	const stub = (name: string) => breakers.get(breakers.idFromName(name));
	const trust = (name: string, fast: boolean) => {
		if (fast) trusted.set(name, Date.now() + cacheMs);
		else trusted.delete(name);
	};

	async function send(downstream: string, name: string, batch: Pending): Promise<void> {
		batch.sending = true;
		try {
			while (batch.failures > 0 || batch.probe !== null) {
				const { successes, failures, lastFailure, probe } = batch;
				const report: BreakerReport = { successes, failures, lastFailure, probe };
				Object.assign(batch, { successes: 0, failures: 0, lastFailure: null, probe: null, successesSince: Date.now() });
				const answer = await stub(name).report(downstream, name, report);
				trust(name, answer.fast);
			}
		} finally {
			batch.sending = false;
		}
	}

	return {
		trusts: (downstream, workflowId) => (trusted.get(platform.breaker(downstream, workflowId)) ?? 0) > Date.now(),
		async admit(downstream, workflowId, held) {
			const name = platform.breaker(downstream, workflowId);
			await platform.admitting(workflowId);
			if (!held && (trusted.get(name) ?? 0) > Date.now()) return ADMITTED;
			const answer: AdmitAnswer = await stub(name).admit(downstream, name, workflowId);
			trust(name, answer.fast);
			return answer.admission;
		},
		report(downstream, workflowId, outcome: CallOutcome, probe, code) {
			const name = platform.breaker(downstream, workflowId);
			let batch = pending.get(name);
			if (!batch) {
				batch = { successes: 0, failures: 0, lastFailure: null, probe: null, sending: false, successesSince: 0 };
				pending.set(name, batch);
			}
			// Successes ride along with the next failure: only those of about the breaker's window, or a
			// healthy hour would outweigh the failures of a beginning outage and keep the breaker closed.
			const now = Date.now();
			if (now - batch.successesSince > windowMs) Object.assign(batch, { successes: 0, successesSince: now });
			if (probe) batch.probe = outcome;
			else if (outcome === "failure") batch.failures++;
			else batch.successes++;
			if (code) batch.lastFailure = code;
			if (outcome === "failure") trusted.delete(name);
			if (batch.sending || (batch.failures === 0 && batch.probe === null)) return;
			send(downstream, name, batch).catch((error) => console.warn(`report to breaker ${name} failed`, error));
		},
	};
}
