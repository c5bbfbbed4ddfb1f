import { withinMs } from "../engine/time";
import { opsConfig } from "./config";
import { storeEpisode } from "./dead-letters";
import { markSwept, ordersToReconcile, upsertIndexRows } from "./order-index";
import { platform } from "./platform";

/** How long past its due time an order may go without progress, and how long the sweeper then leaves it be, in ms. */
export const SWEEP_GRACE_MS = 60_000;
/** Orders reconciled per sweep: a backlog drains over several. */
const SWEEP_BATCH = 50;

/**
 * The Cron Trigger's sweep, the safety net under every message that could be lost: for each order
 * whose due time has passed without progress, or whose dead letter is missing or still open, it asks
 * the order's object (which also wakes it: a stranded order moves on) and writes what the object
 * says into the index and the dead letters. Returns the orders it reconciled, by workflow id. `only`
 * limits it to some orders (by workflow id): a simulation runs many fleets, each on a clock of its own,
 * in one database.
 */
export async function sweep(env: Env, now = Date.now(), only?: readonly string[]): Promise<string[]> {
	// Each call has the consumers' time limit: one hung D1 call or object holds up one order, not the sweep.
	const limit = <T>(work: Promise<T>, what: string) => withinMs(work, opsConfig(env).consumerTimeoutMs, what);
	const database = platform.database(env.DB, only ?? []);
	const since = now - SWEEP_GRACE_MS;
	const workflowIds = await limit(ordersToReconcile(database, since, since, SWEEP_BATCH, only), "sweep");
	const reconciled: string[] = [];
	for (const workflowId of workflowIds) {
		try {
			const projection = await limit(env.ORDERS.get(env.ORDERS.idFromName(workflowId)).reconcile(), workflowId);
			if (!projection) continue;
			const db = platform.database(env.DB, [workflowId]);
			await limit(upsertIndexRows(db, [projection.row]), workflowId);
			for (const episode of projection.episodes) await limit(storeEpisode(db, projection.row, episode), workflowId);
			reconciled.push(workflowId);
		} catch (error) {
			console.error(`sweep: order ${workflowId} not reconciled; the next sweep tries again`, error);
		}
	}
	await limit(markSwept(database, reconciled, now), "sweep");
	return reconciled;
}
