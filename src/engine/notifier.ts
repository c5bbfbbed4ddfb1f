import { HandOver } from "./hand-over";
import type { Notification } from "./outbox";
import type { RetryPolicy } from "./retry-policy";
import { WATCHDOG_GRACE_MS } from "./step-state";
import type { Store } from "./store";

/**
 * Delivers the outbox (a workflow's start, dead-letter episodes, alerts) at least once. A hand-over
 * is journaled as `notifications_sent` only once `notify` has taken it; until then the alarm keeps
 * coming back, so a crash, a failure or a hang only delays it. While a run goes on, the record rides
 * with its next write rather than costing a row of its own: if a crash loses it, the notification
 * goes out again, and its id lets the receiver drop the repeat.
 */
export class Notifier {
	private readonly handOver: HandOver;

	constructor(
		private readonly store: Store,
		private readonly notify: ((notifications: Notification[]) => Promise<void>) | undefined,
		private readonly policy: RetryPolicy,
		settled: () => Promise<void>,
	) {
		this.handOver = new HandOver(store, policy, "notification hand-over", settled);
	}

	get busy(): boolean {
		return this.handOver.busy;
	}

	/** When the outbox next needs the alarm: the watchdog of a hand-over under way, or the next try. */
	get dueAt(): number | null {
		if (!this.notify || this.store.state.outbox.size === 0) return null;
		if (this.handOver.busy) return this.store.now() + this.policy.attemptTimeoutMs + WATCHDOG_GRACE_MS;
		return this.handOver.nextAt;
	}

	/** Starts a hand-over of everything pending, unless one is under way or the last one's backoff has not passed. */
	kick(): void {
		const notify = this.notify;
		if (!notify || this.store.state.outbox.size === 0 || !this.handOver.ready) return;
		// Only what is durable goes out: a notification of an entry a crash could still lose would be a false alarm.
		this.store.flush();
		const pending = [...this.store.state.outbox.values()];
		const ids = pending.map((n) => n.id);
		this.handOver.start(
			async () => {
				// A crash during the hand-over must still find an alarm to try again.
				await this.store.alarm.setBy(this.store.now() + this.policy.attemptTimeoutMs + WATCHDOG_GRACE_MS);
				this.store.checkpoint({ at: "handing_over", ids });
				await notify(pending);
			},
			() => {
				this.store.append({ type: "notifications_sent", ids });
				// A run may have added notifications while these were handed over.
				this.kick();
			},
		);
	}
}
