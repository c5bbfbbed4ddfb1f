/**
 * Answers held until the order ends (`Prefer: wait`): a client that would poll gets one answer at the
 * end instead, and the order pays for no reads in between. Real time, not the order's clock: the wait
 * is the caller's, and a caller never waits longer than it asked.
 */
export class EndWaiters {
	private readonly waiting = new Set<() => void>();

	/** Resolves once `ended()` holds at a flush, or after `ms`; at once if it already holds. */
	until(ms: number, ended: () => boolean): Promise<void> {
		if (ms <= 0 || ended()) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.waiting.delete(done);
				resolve();
			};
			const timer = setTimeout(done, ms);
			this.waiting.add(done);
		});
	}

	/** The order just ended and its end is durable: every held answer goes. */
	release(): void {
		for (const done of [...this.waiting]) done();
	}
}
