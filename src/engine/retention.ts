import type { Store } from "./store";

/** What the host keeps apart from the journal (a customer's personal data), and for how long. */
export interface RetentionOptions {
	/** How long after the workflow settles (finished, no person needed) the data is kept, in ms. */
	afterMs: number;
	/** Erases the data, synchronously (in the object's storage), and names the fields erased. */
	erase: () => string[];
}

/**
 * Erases the host's data once its retention has passed. The erasure and its journal entry are one
 * transaction: no erasure goes unrecorded, and none is recorded that did not happen. A workflow
 * redriven before that keeps its data.
 */
export class Retention {
	constructor(
		private readonly store: Store,
		private readonly options: RetentionOptions | undefined,
	) {}

	get dueAt(): number | null {
		const { settledAt, erasedAt } = this.store.state;
		if (!this.options || settledAt === null || erasedAt !== null) return null;
		return settledAt + this.options.afterMs;
	}

	eraseIfDue(): void {
		const due = this.dueAt;
		if (!this.options || due === null || this.store.now() < due) return;
		const erase = this.options.erase;
		this.store.atomically(() => {
			this.store.append({ type: "data_erased", fields: erase(), reason: "retention" });
			this.store.flush();
		});
	}
}
