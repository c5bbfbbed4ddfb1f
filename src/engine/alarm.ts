import type { Usage } from "./usage";

/**
 * The object's one alarm. Remembers what it last set, so that setting the same time again,
 * or an earlier alarm that already covers a later need, costs no write.
 */
export class Alarm {
	/** undefined until read from storage. */
	private at: number | null | undefined;

	constructor(
		private readonly storage: DurableObjectStorage,
		private readonly usage: Usage,
	) {}

	/** The platform clears the alarm as it delivers it. Returns the time it was set for, if this instance set it. */
	delivered(): number | null | undefined {
		const scheduled = this.at;
		this.at = null;
		return scheduled;
	}

	/** Sets the alarm to exactly `at`, or clears it. */
	async set(at: number | null): Promise<void> {
		this.at ??= await this.storage.getAlarm();
		if (this.at === at) return;
		if (at === null) await this.storage.deleteAlarm();
		else await this.storage.setAlarm(at);
		this.usage.alarmsSet++;
		this.at = at;
	}

	/** Makes sure the alarm fires no later than `at`; an earlier one is fine: it finds the work alive and re-arms. */
	async setBy(at: number): Promise<void> {
		this.at ??= await this.storage.getAlarm();
		if (this.at === null || this.at > at) await this.set(at);
	}
}
