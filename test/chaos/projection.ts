import { env } from "cloudflare:workers";
import { SWEEP_GRACE_MS, sweep } from "../../src/ops/sweeper";
import type { OrderStatus } from "../../src/order/status";
import { d1Rows, type Ledger, ledger } from "../helpers";
import type { D1Row, HistoryEntry } from "./case";

/** What D1 must hold for an order once delivery has had its chance: derived from the journal, independently of the engine. */
export interface Expected {
	/** Every needs-attention episode by id, open or closed. */
	episodes: Map<string, "open" | "closed">;
	index: { status: string; needs_attention: number; failure_code: string | null; open_episode: string | null };
}

/**
 * An episode opens where the workflow finished needing a person (needs_attention, or completed with a
 * failure past the point of no return), with the id `<orderId>:<seq>`; a retry, resolve or terminate closes it.
 */
/** The actions that close an open episode; a cancel, pause or resume never meets one (the order has finished). */
const CLOSES = new Set<string>(["retry", "resolve", "terminate"]);

export function expectedProjection(orderId: string, history: readonly HistoryEntry[], status: OrderStatus): Expected {
	const episodes = new Map<string, "open" | "closed">();
	let open: string | null = null;
	for (const entry of history) {
		const attention =
			entry.type === "workflow_finished" &&
			(entry.status === "needs_attention" || (entry.status === "completed" && entry.failure !== null));
		if (attention) {
			open = `${orderId}:${entry.seq}`;
			episodes.set(open, "open");
		}
		if (entry.type === "operator_action" && CLOSES.has(entry.action) && open) {
			episodes.set(open, "closed");
			open = null;
		}
	}
	return {
		episodes,
		index: {
			status: status.status,
			needs_attention: status.needsAttention ? 1 : 0,
			failure_code: status.failure?.code ?? null,
			open_episode: open,
		},
	};
}

/** The alerts an order's journal raised, by id: a needs-attention episode, a stuck step, a reminder. */
export function expectedAlerts(orderId: string, history: readonly HistoryEntry[]): string[] {
	return history
		.filter(
			(e) =>
				e.type === "step_stuck" ||
				e.type === "event_reminder" ||
				(e.type === "workflow_finished" &&
					(e.status === "needs_attention" || (e.status === "completed" && e.failure !== null))),
		)
		.map((e) => `${orderId}:${e.seq}`);
}

/**
 * Waits, bounded, until every alert the order raised has been posted; the order's ledger then, which
 * the checks read as it is once the order rests (the alert sink writes there too).
 */
export async function settledAlerts(orderId: string, ids: readonly string[]): Promise<Ledger> {
	const posted = (l: Ledger) => l.requests.filter((r) => r.operation === "alert");
	const until = Date.now() + DELIVERY_MS;
	let seen = await ledger(orderId);
	while (ids.some((id) => !posted(seen).some((r) => r.idempotencyKey === id)) && Date.now() < until) {
		await scheduler.wait(25);
		seen = await ledger(orderId);
	}
	return seen;
}

/** How D1 differs from what is expected, in words; empty when it matches. */
export function differences(expected: Expected, d1: { deadLetters: D1Row[]; index: D1Row | null }): string[] {
	const out: string[] = [];
	const stored = new Map<string, D1Row[]>();
	for (const row of d1.deadLetters) stored.set(String(row.id), [...(stored.get(String(row.id)) ?? []), row]);
	for (const [id, state] of expected.episodes) {
		const rows = stored.get(id) ?? [];
		if (rows.length !== 1) out.push(`episode ${id}: ${rows.length} dead letters, not 1`);
		else if (rows[0]?.status !== state) out.push(`episode ${id}: dead letter ${String(rows[0]?.status)}, not ${state}`);
	}
	for (const id of stored.keys())
		if (!expected.episodes.has(id)) out.push(`dead letter ${id} for no needs-attention episode`);
	if (!d1.index) out.push("no index row");
	else {
		for (const [field, want] of Object.entries(expected.index)) {
			if ((d1.index[field] ?? null) !== want)
				out.push(`index ${field} is ${JSON.stringify(d1.index[field] ?? null)}, not ${JSON.stringify(want)}`);
		}
	}
	return out;
}

export async function readProjection(orderId: string) {
	const [deadLetters, index] = await Promise.all([d1Rows("dead_letters", orderId), d1Rows("orders", orderId)]);
	return { deadLetters: deadLetters as D1Row[], index: (index[0] as D1Row | undefined) ?? null };
}

/** How long queues and their retries may take to bring D1 in line, in ms. */
const DELIVERY_MS = 3_000;

/**
 * Waits, bounded, for D1 to show what the journal says; if it does not, runs the Cron Trigger's sweep
 * once (as it would run within the minute) and waits again. Returns what D1 holds in the end and
 * whether the sweeper was needed.
 */
export async function settledProjection(orderId: string, expected: Expected, sweepAt: number) {
	const until = Date.now() + DELIVERY_MS;
	let d1 = await readProjection(orderId);
	while (differences(expected, d1).length > 0 && Date.now() < until) {
		await scheduler.wait(25);
		d1 = await readProjection(orderId);
	}
	if (differences(expected, d1).length === 0) return { d1, swept: false };
	// The sweep the Cron Trigger would run within the minute, of this order alone: other worlds keep their own clocks.
	await sweep(env, sweepAt + SWEEP_GRACE_MS + 1, [orderId]);
	const again = Date.now() + DELIVERY_MS;
	d1 = await readProjection(orderId);
	while (differences(expected, d1).length > 0 && Date.now() < again) {
		await scheduler.wait(25);
		d1 = await readProjection(orderId);
	}
	return { d1, swept: true };
}
