import { runInDurableObject } from "cloudflare:test";
import type { OrderObject } from "../../src/order/order-object";
import { orderStub } from "../helpers";

type Checkpoint = Parameters<NonNullable<OrderObject["engine"]["onCheckpoint"]>>[0];

/** What the driver needs each round: is a run under way, and where does the workflow stand. */
export interface Probe {
	busy: boolean;
	status: string | null;
}

/**
 * Where to crash: at the n-th `committed` checkpoint of the order's life (a journal row was just
 * written; the crash may lose it, as a real crash during the write would) or at the n-th `returned`
 * one (a downstream call answered, its result not yet written). Counted across crashes and restarts.
 */
export interface CrashPoint {
	at: "committed" | "returned";
	n: number;
}

/** The message of every crash the harness injects; `helpers.crash` uses the same one. */
export const CRASH_MESSAGE = "injected crash";
export const isCrash = (error: unknown) => String(error).includes(CRASH_MESSAGE);

export const crashLabel = (point: CrashPoint | null) =>
	point === null ? "none" : `${point.at === "committed" ? "c" : "r"}${point.n}`;

export function parseCrashLabel(label: string): CrashPoint | null {
	if (label === "none") return null;
	const match = /^([cr])(\d+)$/.exec(label);
	if (!match) throw new Error(`not a crash point: ${label}`);
	return { at: match[1] === "c" ? "committed" : "returned", n: Number(match[2]) };
}

/**
 * Counts every checkpoint an order's object passes, crashes it at the planned ones, and keeps a
 * readable trace of them all for the report. It lives in the test, not in the object, so it
 * survives the crashes it causes; {@link arm} installs it again on each fresh instance.
 */
export class CrashPlan {
	readonly trace: string[] = [];
	readonly seen = { committed: 0, returned: 0 };
	crashes = 0;
	private readonly pending: CrashPoint[];

	constructor(points: readonly CrashPoint[]) {
		this.pending = [...points];
	}

	/** True: crash here. */
	decide(point: Checkpoint): boolean {
		if (point.at !== "committed" && point.at !== "returned") return false;
		const n = ++this.seen[point.at];
		const index = this.pending.findIndex((p) => p.at === point.at && p.n === n);
		if (index >= 0) {
			this.pending.splice(index, 1);
			this.crashes++;
		}
		this.trace.push(`${describeCheckpoint(point, n)}${index >= 0 ? "  <- CRASH" : ""}`);
		return index >= 0;
	}

	/** Notes a crash the driver caused between runs (helpers' `crash`). */
	restCrash(): void {
		this.crashes++;
		this.trace.push("crash at rest  <- CRASH");
	}

	/**
	 * Installs the plan on the order's live object (a crash leaves a fresh instance without it) and
	 * reads whether a run is under way there and the workflow's status (null: never started). One round
	 * trip for all three, since the driver asks every round.
	 */
	async arm(orderId: string): Promise<Probe> {
		try {
			return await runInDurableObject(orderStub(orderId), (instance: OrderObject, state) => {
				instance.engine.onCheckpoint = (point) => {
					if (this.decide(point)) state.abort(CRASH_MESSAGE);
				};
				const { busy, state: workflow } = instance.engine;
				return { busy, status: workflow.started ? workflow.status : null };
			});
		} catch (error) {
			// A run in the background (kicked by a pick, say) crashed the object under this call: look again.
			if (isCrash(error)) return { busy: true, status: null };
			throw error;
		}
	}
}

function describeCheckpoint(point: Checkpoint & { at: "committed" | "returned" }, n: number): string {
	if (point.at === "returned") return `r${n} returned ${point.step}#${point.attempt}`;
	const entries = point.entries.map((entry) => {
		const step = "step" in entry ? `(${entry.step}${"attempt" in entry ? `#${entry.attempt}` : ""})` : "";
		return `${entry.type}${step}`;
	});
	return `c${n} committed ${entries.join(" + ")}`;
}
