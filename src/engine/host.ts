import { z } from "zod";
import type { DownstreamGate } from "./gate";
import type { Notification } from "./outbox";
import type { RetentionOptions } from "./retention";
import type { RetryPolicy } from "./retry-policy";
import type { Json } from "./steps";
import type { Observers } from "./trace";
import type { WorkflowVersions } from "./versions";

/** What the engine's host (a Durable Object) gives it: the workflow, its policy, and the ways out. */
export interface EngineOptions<Input> extends Observers {
	/** Every version of the workflow the code still has; new workflows start on the newest. */
	workflows: WorkflowVersions<Input>;
	/** Parses the journaled input back into what the workflow takes. */
	parseInput: (input: Json) => Input;
	/** Default policy of every step; each step may override fields. Default: the policy defaults of retry-policy.ts. */
	retry?: Partial<RetryPolicy>;
	/** Delivers notifications (needs attention, stuck step, reminder) at least once; throw to have them retried. */
	notify?: (notifications: Notification[]) => Promise<void>;
	/** Brings an outside projection (an index) up to date; called when it changed, retried when it throws. */
	report?: () => Promise<void>;
	/** Data the host keeps apart from the journal, erased a set time after the workflow settles. */
	retention?: RetentionOptions;
	/**
	 * Takes out of text a downstream supplied (a failure's message) what the host must not keep, before it
	 * is journaled: a customer's email or address that a refusal repeated. Default: kept as it came.
	 */
	redact?: (text: string) => string;
	/** The downstream services' circuit breakers. Default: none, every attempt is admitted. */
	gate?: DownstreamGate;
	/** Milliseconds since the epoch. Default `Date.now`. */
	clock?: () => number;
	/** Uniform in [0, 1), for jitter. Default `Math.random`. */
	random?: () => number;
}

/** What happened to an event delivered from outside. */
export const Delivery = z.enum(["accepted", "duplicate", "gone", "not_found"]);
export type Delivery = z.infer<typeof Delivery>;
