import { HandOver } from "./hand-over";
import type { RetryPolicy } from "./retry-policy";
import type { Store } from "./store";

/**
 * Keeps an outside projection of the workflow (an index) current without ever delaying it: `report`
 * is called after a run that changed what the projection shows, again after a failure (with
 * backoff, on the alarm), and once more after every restart of the object. A report lost in a crash
 * is made good by the next change, restart, or the index's own sweeper.
 */
export class Reporter {
	private readonly handOver: HandOver;
	/** What the last report that got through showed; null after a restart. */
	private reported: string | null = null;

	constructor(
		private readonly store: Store,
		private readonly report: (() => Promise<void>) | undefined,
		policy: RetryPolicy,
		settled: () => Promise<void>,
		/** When the workflow next has something due: the projection shows it. */
		private readonly dueNext: () => number | null,
	) {
		this.handOver = new HandOver(store, policy, "index report", settled);
	}

	get busy(): boolean {
		return this.handOver.busy;
	}

	/** When a report still owed needs the alarm; null when the projection is current. */
	get dueAt(): number | null {
		return this.owed() && !this.handOver.busy ? this.handOver.nextAt : null;
	}

	kick(): void {
		const report = this.report;
		if (!report || !this.owed() || !this.handOver.ready) return;
		const shown = this.shown();
		this.handOver.start(report, () => {
			this.reported = shown;
			// A run may have changed the projection while this report was under way.
			this.kick();
		});
	}

	private owed(): boolean {
		return this.report !== undefined && this.store.state.started && this.shown() !== this.reported;
	}

	private shown(): string {
		const state = this.store.state;
		return JSON.stringify([
			state.status,
			state.activeStep?.name,
			state.failure?.code,
			state.needsAttention,
			state.openEpisode?.id,
			this.dueNext(),
		]);
	}
}
