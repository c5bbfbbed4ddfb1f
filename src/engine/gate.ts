import { withinMs } from "./time";

/** The answer to "may this workflow call that downstream now?". */
export type Admission = { admitted: true; probe: boolean } | { admitted: false; reason: string };

/**
 * What an attempt told about its downstream: a definitive answer (even a refusal) is a success; `none`
 * is a probe that made no call after all (its workflow was cancelled first), so the next may go at once.
 */
export type CallOutcome = "success" | "failure" | "none";

/** The host's circuit breakers, one per downstream service, shared by every workflow. */
export interface DownstreamGate {
	/**
	 * Asked before each attempt of a step that names its downstream. A refusal registers the workflow
	 * to be released later (the host then calls the engine's `release`). `held`: it already waits.
	 */
	admit(downstream: string, workflowId: string, held: boolean): Promise<Admission>;
	/** Whether `admit` would answer from memory, without a round trip to the breaker. */
	trusts(downstream: string, workflowId: string): boolean;
	/**
	 * One attempt's outcome (with the failure's code), for the breaker's counts; a probe's decides its
	 * state. Resolves once the breaker has it, or it is kept to go with the next report.
	 */
	report(
		downstream: string,
		workflowId: string,
		outcome: CallOutcome,
		probe: boolean,
		code: string | null,
	): Promise<void>;
}

/** How long a held step first waits before asking its downstream again, in case its release was lost, in ms. */
export const HOLD_RECHECK_MS = 60_000;
/** The longest wait between two rechecks, in ms: they back off, since each refusal is a journal row. */
export const HOLD_RECHECK_MAX_MS = 15 * 60_000;

/** When a step refused `refusals` times in a row asks again: a minute, doubling, at most a quarter of an hour. */
export const recheckDelay = (refusals: number) => Math.min(HOLD_RECHECK_MAX_MS, HOLD_RECHECK_MS * 2 ** refusals);

/** How long a breaker may take to answer before the call is admitted without it, in ms. */
export const ADMIT_TIMEOUT_MS = 2_000;

/** How long a report may take before it counts as lost (its sender may have died with another object), in ms. */
export const REPORT_TIMEOUT_MS = 2_000;

const open: Admission = { admitted: true, probe: false };

/**
 * The engine's side of the breakers: asks them, and tells them what attempts found. A release can
 * reach the workflow while it is still asking (the breaker registered the refusal and let it go before
 * its answer arrived): the admission under way then goes ahead as released.
 */
export class Holds {
	/** Downstreams being asked now, and the release that came meanwhile, if one did. */
	private readonly asking = new Map<string, { probe: boolean } | null>();
	private readonly reporting = new Set<Promise<void>>();

	constructor(private readonly gate: DownstreamGate | undefined) {}

	/** True while an outcome is on its way to a breaker. */
	get busy(): boolean {
		return this.reporting.size > 0;
	}

	/** A breaker that cannot be reached admits: it protects downstreams, it must never stop orders by itself. */
	async admit(downstream: string, workflowId: string, held: boolean): Promise<Admission> {
		if (!this.gate) return open;
		this.asking.set(downstream, null);
		let admission = open;
		try {
			admission = await withinMs(this.gate.admit(downstream, workflowId, held), ADMIT_TIMEOUT_MS, "breaker");
		} catch (error) {
			console.error(`breaker of ${downstream} unreachable; admitting the call`, error);
		}
		const released = this.asking.get(downstream);
		this.asking.delete(downstream);
		return !admission.admitted && released ? { admitted: true, probe: released.probe } : admission;
	}

	/** A release for a step that is still asking: it goes ahead when the answer comes. False: none is asking. */
	releaseAsking(downstream: string, probe: boolean): boolean {
		if (!this.asking.has(downstream)) return false;
		this.asking.set(downstream, { probe });
		return true;
	}

	/** Whether asking would cost a round trip (and so time, during which requests may land). */
	asks(downstream: string, workflowId: string, held: boolean): boolean {
		return this.gate !== undefined && (held || !this.gate.trusts(downstream, workflowId));
	}

	/** What an attempt's failure (or its absence) tells the breaker: only a definitive answer shows the service is up. */
	report(downstream: string, workflowId: string, failure: { kind: string; code: string } | null, probe: boolean): void {
		const down = failure !== null && failure.kind !== "permanent";
		this.send(downstream, workflowId, down ? "failure" : "success", probe, down ? failure.code : null);
	}

	/** The probe admission a step will not use (its workflow stopped first): the breaker may give it to another. */
	abandonProbe(downstream: string, workflowId: string): void {
		this.send(downstream, workflowId, "none", true, null);
	}

	private send(downstream: string, workflowId: string, outcome: CallOutcome, probe: boolean, code: string | null) {
		if (!this.gate) return;
		const report = this.gate.report(downstream, workflowId, outcome, probe, code);
		const sent = withinMs(report, REPORT_TIMEOUT_MS, "breaker report")
			.catch((error) => console.warn(`report to the breaker of ${downstream} failed`, error))
			.finally(() => this.reporting.delete(sent));
		this.reporting.add(sent);
	}
}
