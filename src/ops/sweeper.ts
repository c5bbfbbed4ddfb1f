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
	const database = platform.database(env.DB, only ?? []);
	const since = now - SWEEP_GRACE_MS;
	const workflowIds = await ordersToReconcile(database, since, since, SWEEP_BATCH, only);
	const reconciled: string[] = [];
	for (const workflowId of workflowIds) {
		try {
			const projection = await env.ORDERS.get(env.ORDERS.idFromName(workflowId)).reconcile();
			if (!projection) continue;
			const db = platform.database(env.DB, [workflowId]);
			await upsertIndexRows(db, [projection.row]);
			for (const episode of projection.episodes) await storeEpisode(db, projection.row, episode);
			reconciled.push(workflowId);
		} catch (error) {
			console.error(`sweep: order ${workflowId} not reconciled; the next sweep tries again`, error);
		}
	}
	await markSwept(database, reconciled, now);
	return reconciled;
}
