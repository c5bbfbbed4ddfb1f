import { happyPoint } from "./points.mjs";

/** Orders placed per batch of the fill; the sandbox is renewed between batches (see below). */
const BATCH = 2500;

/**
 * Places happy-path orders at concurrency 64 until `target` orders exist. `between(batch)` runs after
 * each batch: the bench checks the batch in the ledger and starts the sandbox afresh, because the
 * sandbox's ledger slows down as it fills (it counts its effects with a full scan per effect), which
 * would otherwise be charged to the orchestrator.
 */
export async function fillTo(client, existing, target, between, log) {
	let count = existing;
	let batchNumber = 0;
	while (count < target) {
		const size = Math.min(BATCH, target - count);
		// No usage is read from the fill, so no extra read per order either.
		const batch = await happyPoint({ ...client, settleMs: undefined }, `fill${batchNumber++}`, 64, size);
		count += size;
		log(`  ${client.name}: ${count} orders exist (fill at ${batch.ordersPerSecond} orders/s)`);
		await between(batch);
	}
	return count;
}
