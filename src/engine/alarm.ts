import type { Usage } from "./usage";

/**
 * The object's one alarm. Remembers what it last set, so that setting the same time again, or an
 * earlier alarm that already covers a later need, costs no write. Changes run one at a time, so two
 * callers (a run and a notification hand-over, say) never interleave a read and a write.
 */
export class Alarm {
	/** undefined until read from storage. */
	private at: number | null | undefined;
	private queue: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly storage: DurableObjectStorage,
		private readonly usage: Usage,
	) {}

	/** The alarm as this instance last read or set it; undefined until it has read it. */
	get known(): number | null | undefined {
		return this.at;
	}

	/** The platform clears the alarm as it delivers it. */
	delivered(): void {
		this.at = null;
	}

	/**
	 * Makes sure the alarm fires by `at` (null: nothing due). An alarm already set for the future, and
	 * not later, is kept rather than moved: it fires early, finds nothing due and re-arms then. A wake
	 * is billed as a request and a move as a row written, which costs several times more, and the
	 * watchdog set when work arrives usually covers the next due time already (the whole happy path).
	 * `last`: `at` is the last thing due, so the early wake would only re-arm for it; move now instead.
	 */
	settle(at: number | null, now: number, last = false): Promise<void> {
		return this.serially(async () => {
			const current = await this.current();
			if (!last && current !== null && current > now && (at === null || current <= at)) return;
			await this.write(at);
		});
	}

	/** Makes sure the alarm fires no later than `at`; an earlier one is fine: it finds the work alive and re-arms. */
	setBy(at: number): Promise<void> {
		return this.serially(async () => {
			const current = await this.current();
			if (current === null || current > at) await this.write(at);
		});
	}

	private serially(change: () => Promise<void>): Promise<void> {
		const next = this.queue.then(change);
		this.queue = next.catch(() => undefined);
		return next;
	}

	private async current(): Promise<number | null> {
		this.at ??= await this.storage.getAlarm();
		return this.at;
	}

	private async write(at: number | null): Promise<void> {
		if ((await this.current()) === at) return;
		if (at === null) await this.storage.deleteAlarm();
		else await this.storage.setAlarm(at);
		this.usage.alarmsSet++;
		this.at = at;
	}
}
