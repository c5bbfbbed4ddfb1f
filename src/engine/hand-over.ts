import { backoffDelay, type RetryPolicy } from "./retry-policy";
import type { Store } from "./store";
import { withinMs } from "./time";

/**
 * Something the object hands to the outside world (notifications, an index row), one hand-over at a
 * time, never in the workflow's way: each has the policy's attempt time limit, and a failed or hung
 * one is tried again after the policy's backoff: the alarm is armed for it at once, so the retry
 * survives a restart. `settled` runs after each success, so the owner can set the alarm for
 * whatever is due next.
 */
export class HandOver {
	private inFlight: Promise<void> | null = null;
	private failures = 0;
	private retryAt = 0;

	constructor(
		private readonly store: Store,
		private readonly policy: RetryPolicy,
		private readonly what: string,
		private readonly settled: () => Promise<void>,
	) {}

	get busy(): boolean {
		return this.inFlight !== null;
	}

	/** Whether a new hand-over may start now. */
	get ready(): boolean {
		return this.inFlight === null && this.store.now() >= this.retryAt;
	}

	/** When the next one may start: now, or after the backoff of the last failure. */
	get nextAt(): number {
		return Math.max(this.retryAt, this.store.now());
	}

	/** Starts `send` without waiting for it; `done` runs once it has succeeded. */
	start(send: () => Promise<void>, done: () => void): void {
		const run = this.attempt(send, done).catch((error) =>
			console.error(`${this.what}: could not record its outcome`, error),
		);
		this.inFlight = run;
		void run.finally(() => {
			if (this.inFlight === run) this.inFlight = null;
		});
	}

	private async attempt(send: () => Promise<void>, done: () => void): Promise<void> {
		let sent = false;
		try {
			await withinMs(send(), this.policy.attemptTimeoutMs, this.what);
			sent = true;
			this.failures = 0;
			this.retryAt = 0;
		} catch (error) {
			this.failures++;
			this.retryAt = this.store.now() + backoffDelay(this.policy, this.failures, this.store.random);
			console.error(`${this.what} failed; will retry`, error);
		}
		// Idle again before `done`, which may start the next hand-over.
		this.inFlight = null;
		if (!sent) return this.store.alarm.setBy(this.retryAt);
		done();
		await this.settled();
	}
}
