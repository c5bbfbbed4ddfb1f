import { runInDurableObject } from "cloudflare:test";
import type { Checkpoint } from "../../src/engine/store";
import { platform } from "../../src/ops/platform";
import type { OrderObject } from "../../src/order/order-object";
import { orderStub } from "../helpers";
import { incarnationOf } from "../incarnations";
import type { MidCallCrash } from "./families";
import type { Violation } from "./summary";

/** What the driver needs each round: is a run or hand-over under way, where does the workflow stand, and its alarm. */
export interface Probe {
	busy: boolean;
	status: string | null;
	alarm: number | null;
	/** The journal's next due time (null: nothing timer-driven is pending): an alarm before it is for a hand-over. */
	nextWakeAt: number | null;
	/** The downstreams whose breakers hold a step of it now. */
	heldBy: string[];
	/** A step of it may have taken effect with no definitive answer since. */
	inDoubt: boolean;
	/** Downstream calls that have left so far, over its life. */
	calls: number;
	/** An operator paused it: it calls nothing until resumed. */
	paused: boolean;
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

/** What a probe says of an object a crash is taking down: busy, so the driver looks again. */
const RESTARTING: Probe = {
	busy: true,
	status: null,
	alarm: null,
	nextWakeAt: null,
	heldBy: [],
	inDoubt: false,
	paused: false,
	calls: 0,
};

/** The message of every crash the harness injects; `helpers.crash` uses the same one. */
export const CRASH_MESSAGE = "injected crash";
export const isCrash = (error: unknown) => String(error).includes(CRASH_MESSAGE);

/** How long after a call leaves the object is reset in the middle of it, in ms (its answer takes longer: see `holdCalls`). */
const MID_CALL_MS = 30;

/** How long, in real time, a probe may read the instance it holds before it goes through the object again (idle eviction: 10 s). */
const THROUGH_OBJECT_MS = 1_000;

export const crashLabel = (point: CrashPoint | null) =>
	point === null ? "none" : `${point.at === "committed" ? "c" : "r"}${point.n}`;

export function parseCrashLabel(label: string): CrashPoint | null {
	if (label === "none") return null;
	const match = /^([cr])(\d+)$/.exec(label);
	if (!match) throw new Error(`not a crash point: ${label}`);
	return { at: match[1] === "c" ? "committed" : "returned", n: Number(match[2]) };
}

type Kind = Checkpoint["at"];

/**
 * Counts every checkpoint an order's object passes and acts on the planned ones: crashes it there
 * (`crashes`), or resets it a moment later while the call or hand-over is in flight (`midCall`);
 * the driver watches `seen.calling` to send requests while a call is in flight. At every
 * journal write it checks that no entry is stamped later than the order's clock. It keeps a readable
 * trace for the report, and lives in the test, not in the object, so it survives the crashes it
 * causes; {@link arm} installs it again on each fresh instance.
 */
export class CrashPlan {
	readonly trace: string[] = [];
	readonly seen: Record<Kind, number> = { committed: 0, returned: 0, calling: 0, handing_over: 0, admitting: 0 };
	readonly incidents: Violation[] = [];
	crashes = 0;
	private readonly pending: CrashPoint[];
	private readonly resets: MidCallCrash[];
	/** The instance the plan was last installed on, while it may still be the live one. */
	private live: { engine: OrderObject["engine"]; subject: string; incarnation: number; since: number } | null = null;

	constructor(points: readonly CrashPoint[], midCall: readonly MidCallCrash[] = []) {
		this.pending = [...points];
		this.resets = [...midCall];
	}

	private crashed(): void {
		this.crashes++;
		this.live = null;
	}

	/** What to do at this checkpoint: crash now, reset in a moment, or nothing. */
	decide(point: Checkpoint, clock: number): "crash" | "reset" | null {
		const n = ++this.seen[point.at];
		if (point.at === "committed") {
			for (const entry of point.entries) {
				if (entry.at > clock)
					this.incidents.push({
						invariant: "clock",
						message: `#${entry.seq} ${entry.type} stamped ${entry.at}, ahead of the clock (${clock})`,
					});
			}
		}
		const crashAt = this.pending.findIndex((p) => p.at === point.at && p.n === n);
		const resetAt = this.resets.findIndex((p) => p.during === point.at && p.n === n);
		const act = crashAt >= 0 ? "crash" : resetAt >= 0 ? "reset" : null;
		if (crashAt >= 0) this.pending.splice(crashAt, 1);
		if (resetAt >= 0) this.resets.splice(resetAt, 1);
		if (act === "crash") this.crashed();
		this.trace.push(
			`${describeCheckpoint(point, n)}${act === "crash" ? "  <- CRASH" : act === "reset" ? "  <- RESET MID-WAY" : ""}`,
		);
		return act;
	}

	/** Notes a crash the driver caused between runs (helpers' `crash`). */
	restCrash(): void {
		this.crashed();
		this.trace.push("crash at rest  <- CRASH");
	}

	/**
	 * Installs the plan on the order's live object (a crash leaves a fresh instance without it) and
	 * reads what the driver needs each round. Once installed, the same instance is read directly, with
	 * no round trip (a round trip costs more CPU than the rest of a probe many times over), while it is
	 * still the live one and knows its alarm; at least every {@link THROUGH_OBJECT_MS} the probe goes
	 * through the object again, which also keeps an idle object from being evicted under it, and always
	 * when `stored`: the alarm then is the one in storage, not the one the instance believes it set.
	 */
	async arm(orderId: string, stored = false): Promise<Probe> {
		const live = stored ? null : this.live;
		if (live && incarnationOf(live.subject) === live.incarnation && Date.now() - live.since < THROUGH_OBJECT_MS) {
			const alarm = live.engine.alarmKnown;
			if (alarm !== undefined) return this.probeOf(live.engine, alarm);
		}
		try {
			return await runInDurableObject(orderStub(orderId), async (instance: OrderObject, state) => {
				// The order's clock: its object knows it by its name, the workflow id.
				const subject = state.id.name ?? orderId;
				instance.engine.onCheckpoint = (point) => {
					const act = this.decide(point, platform.now(subject));
					if (act === "crash") state.abort(CRASH_MESSAGE);
					if (act === "reset") {
						const reset = () => {
							this.crashed();
							try {
								state.abort(CRASH_MESSAGE);
							} catch {
								// The reset itself throws in the timer that did it; it has happened all the same.
							}
						};
						setTimeout(reset, point.at === "calling" ? MID_CALL_MS : 0);
					}
				};
				const probe = this.probeOf(instance.engine, await state.storage.getAlarm());
				this.live = { engine: instance.engine, subject, incarnation: incarnationOf(subject), since: Date.now() };
				return probe;
			});
		} catch (error) {
			// A run in the background (kicked by a pick, say) crashed the object under this call: look again.
			if (isCrash(error)) return { ...RESTARTING, calls: this.seen.calling };
			throw error;
		}
	}

	private probeOf(engine: OrderObject["engine"], alarm: number | null): Probe {
		const { busy, state: workflow } = engine;
		const unsettled = workflow.finished ? [] : workflow.unsettled;
		return {
			busy,
			status: workflow.started ? workflow.status : null,
			alarm,
			nextWakeAt: workflow.nextWakeAt,
			heldBy: unsettled.flatMap((step) => (step.kind !== "event" && step.hold ? [step.hold.downstream] : [])),
			inDoubt: unsettled.some((step) => step.kind !== "event" && step.outcomeUnknown),
			calls: this.seen.calling,
			paused: workflow.paused !== null,
		};
	}
}

function describeCheckpoint(point: Checkpoint, n: number): string {
	switch (point.at) {
		case "returned":
			return `r${n} returned ${point.step}#${point.attempt}`;
		case "calling":
			return `call${n} ${point.step}#${point.attempt} leaves`;
		case "admitting":
			return `a${n} ${point.step} asks its breaker`;
		case "handing_over":
			return `h${n} hands over ${point.ids.length} notification(s)`;
		case "committed": {
			const entries = point.entries.map((entry) => {
				const step = "step" in entry ? `(${entry.step}${"attempt" in entry ? `#${entry.attempt}` : ""})` : "";
				return `${entry.type}${step}`;
			});
			return `c${n} committed ${entries.join(" + ")}`;
		}
	}
}
