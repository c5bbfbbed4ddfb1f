import { setTimeout as sleep } from "node:timers/promises";
import { pollWhileBusy } from "./busy-poll.mjs";
import { naiveClient, workflowsClient } from "./clients.mjs";
import { mergeLedger, verifyLedger } from "./ledger.mjs";
import { ledgerEntries, publicPoint, throughputPoints } from "./points.mjs";
import { settings } from "./settings.mjs";
import { address, startBaseline, startSandbox } from "./systems.mjs";

const CLIENTS = { naive: naiveClient, workflows: workflowsClient };

/**
 * A baseline of bench/ (`naive` or `workflows`) against a sandbox of its own: the same points as the
 * orchestrator, and for Workflows the same status reads while a step waits.
 */
export async function benchBaseline(dir, name, log) {
	const sandboxAt = await address(dir, `sandbox-for-${name}`, "sandbox");
	const systemAt = await address(dir, name);
	const [sandbox, system] = await Promise.all([
		startSandbox(sandboxAt, systemAt.url),
		startBaseline(systemAt, sandboxAt.url),
	]);
	const client = CLIENTS[name](system.url);
	try {
		const points = await throughputPoints(client, log);
		let busy = null;
		if (name === "workflows") {
			await sleep(3000); // as for the orchestrator: the last point's background work ends first
			busy = await pollWhileBusy(client, sandbox.url, settings.busyOrders);
			log(
				`  workflows: status reads while the charge takes 2 s: p50 ${busy.readsMs.p50} ms, p99 ${busy.readsMs.p99} ms`,
			);
		}
		const entries = [
			...points.flatMap((p) => ledgerEntries(p)),
			...(busy?.orderIds ?? []).map((orderId) => ({ orderId, path: "happy" })),
		];
		const ledger = mergeLedger([await verifyLedger(sandbox.url, entries)]);
		return {
			points: points.map(publicPoint),
			...(busy ? { pollWhileBusy: { ...busy, orderIds: undefined } } : {}),
			ledger,
		};
	} finally {
		await Promise.all([sandbox.stop(), system.stop()]);
	}
}
