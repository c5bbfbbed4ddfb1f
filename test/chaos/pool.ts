/**
 * Runs `work` over `items`, at most `concurrency` at a time, results in input order. Orders are
 * independent (own object, own faults scoped by order id), and a timeout fault spends a quarter
 * second of wall clock doing nothing, so overlapping cases is what keeps the matrix within minutes.
 */
export async function runPool<T, R>(
	items: readonly T[],
	concurrency: number,
	work: (item: T, index: number) => Promise<R>,
	onResult?: (result: R) => void,
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index] as T, index);
			onResult?.(results[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return results;
}

/**
 * A gate that lets at most `concurrency` tasks run at once, first come first served. Unlike a pool
 * over a fixed list, tasks may be added while others run: a scenario's crash cases start as soon as
 * its uncrashed run has counted its checkpoints, instead of waiting for every scenario's.
 */
export function limiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
	let running = 0;
	const queue: (() => void)[] = [];
	return async (task) => {
		if (running >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
		running++;
		try {
			return await task();
		} finally {
			running--;
			queue.shift()?.();
		}
	};
}

/** Prints `[chaos] ...` progress lines (the chaos reporter shows them as they come) at most every few seconds. */
export class Progress {
	private done = 0;
	private violations = 0;
	private lastPrint = 0;
	private readonly startedAt = Date.now();

	constructor(
		private readonly label: string,
		private total: number,
		private readonly enabled: boolean,
	) {}

	grow(more: number): void {
		this.total += more;
	}

	tick(violations: number): void {
		this.done++;
		this.violations += violations;
		if (this.enabled && (Date.now() - this.lastPrint > 5000 || this.done === this.total)) this.print();
	}

	print(): void {
		this.lastPrint = Date.now();
		const seconds = Math.round((Date.now() - this.startedAt) / 1000);
		console.log(`[chaos] ${this.label}: ${this.done}/${this.total}, ${this.violations} violations, ${seconds} s`);
	}
}
