/** The answer to "may this workflow call that downstream now?". */
export type Admission = { admitted: true; probe: boolean } | { admitted: false; reason: string };

/** What an attempt told about its downstream: a definitive answer (even a refusal) is a success. */
export type CallOutcome = "success" | "failure";

/** The host's circuit breakers, one per downstream service, shared by every workflow. */
export interface DownstreamGate {
	/**
	 * Asked before each attempt of a step that names its downstream. A refusal registers the workflow
	 * to be released later (the host then calls the engine's `release`). `held`: it already waits.
	 */
	admit(downstream: string, workflowId: string, held: boolean): Promise<Admission>;
	/** Whether `admit` would answer from memory, without a round trip to the breaker. */
	trusts(downstream: string, workflowId: string): boolean;
	/** One attempt's outcome (with the failure's code), for the breaker's counts; a probe's decides its state. */
	report(downstream: string, workflowId: string, outcome: CallOutcome, probe: boolean, code: string | null): void;
}

/** How long a held step waits before asking its downstream again, in case its release was lost, in ms. */
export const HOLD_RECHECK_MS = 60_000;

/** How long a breaker may take to answer before the call is admitted without it, in ms. */
export const ADMIT_TIMEOUT_MS = 2_000;

const open: Admission = { admitted: true, probe: false };

/**
 * The engine's side of the breakers. When a held step next asks again is kept in memory only: after
 * a restart the object's alarm still fires, and the step then asks at once.
 */
export class Holds {
	private recheckAt: number | null = null;

	constructor(private readonly gate: DownstreamGate | undefined) {}

	/** A breaker that cannot be reached admits: it protects downstreams, it must never stop orders by itself. */
	async admit(downstream: string, workflowId: string, held: boolean, now: number): Promise<Admission> {
		if (!this.gate) return open;
		let admission = open;
		let timer: number | undefined;
		const late = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no answer in ${ADMIT_TIMEOUT_MS} ms`)), ADMIT_TIMEOUT_MS);
		});
		try {
			admission = await Promise.race([this.gate.admit(downstream, workflowId, held), late]);
		} catch (error) {
			console.error(`breaker of ${downstream} unreachable; admitting the call`, error);
		} finally {
			if (timer !== undefined) clearTimeout(timer);
		}
		this.recheckAt = admission.admitted ? null : now + HOLD_RECHECK_MS;
		return admission;
	}

	/** What an attempt's failure (or its absence) tells the breaker: only a definitive answer shows the service is up. */
	/** Whether asking would cost a round trip (and so time, during which requests may land). */
	asks(downstream: string, workflowId: string, held: boolean): boolean {
		return this.gate !== undefined && (held || !this.gate.trusts(downstream, workflowId));
	}

	report(downstream: string, workflowId: string, failure: { kind: string; code: string } | null, probe: boolean): void {
		const down = failure !== null && failure.kind !== "permanent";
		this.gate?.report(downstream, workflowId, down ? "failure" : "success", probe, down ? failure.code : null);
	}

	/** Whether a held step should ask its downstream again now. */
	recheckDue(now: number): boolean {
		return this.recheckAt === null || now >= this.recheckAt;
	}

	released(): void {
		this.recheckAt = null;
	}

	/** When a held step asks again; null when none waits. */
	dueAt(holding: boolean): number | null {
		return holding ? this.recheckAt : null;
	}
}
