import { z } from "zod";
import { StepFailure } from "../engine/errors";
import { WorkflowStatus } from "../engine/events";
import { Notification, NotificationKind } from "../engine/outbox";
import { isoTime } from "../engine/time";

/** Whose order a message is about: its tenant and its order id (the client's). */
export const Addressed = z.object({ tenant: z.string(), orderId: z.string() });
export type Addressed = z.infer<typeof Addressed>;

/** What travels on order-dead-letters: an episode's notification, addressed. */
export const DeadLetterMessage = z.intersection(Notification, Addressed);

/** One order's row in the D1 index, as its object last reported it. */
export const IndexRow = z.object({
	tenant: z.string(),
	orderId: z.string(),
	/** The name of the order's object (its workflow id): how the sweeper reaches it. */
	workflowId: z.string(),
	/** The workflow version the order runs on for its whole life. */
	workflowVersion: z.int().positive(),
	status: WorkflowStatus,
	currentStep: z.string().nullable(),
	/** The step that failed; default null, for rows reported before it existed. */
	failureStep: z.string().nullable().default(null),
	failureCode: z.string().nullable(),
	needsAttention: z.boolean(),
	totalCents: z.int(),
	currency: z.string(),
	createdAt: z.number(),
	updatedAt: z.number(),
	/** When the order next has something due (ms); past it with no progress, the sweeper nudges the order. */
	dueAt: z.number().nullable(),
	/** The open needs-attention episode, whose dead letter must exist. */
	openEpisode: z.string().nullable(),
	/** The journal position the row reflects: a late message never overwrites a newer row. */
	version: z.int(),
});
export type IndexRow = z.infer<typeof IndexRow>;

/** An order's alerts, and one per breaker episode (its downstream opened, then closed again). */
export const AlertKind = z.enum([
	...NotificationKind.exclude(["attention_closed", "started"]).options,
	"downstream_opened",
	"downstream_closed",
]);

/** One alert for a person, on order-alerts; `id` makes delivery happen once. A downstream's alerts name no order (empty strings). */
export const Alert = z.object({
	id: z.string(),
	kind: AlertKind,
	tenant: z.string(),
	orderId: z.string(),
	workflowId: z.string(),
	step: z.string(),
	title: z.string(),
	error: StepFailure.pick({ code: true, message: true }).nullable(),
	attempts: z.int().nullable(),
	at: z.number(),
});
export type Alert = z.infer<typeof Alert>;

/** The alert a notification raises, if any: a start or a closed episode raises none. */
export function alertFor(notification: Notification, order: Addressed): Alert | null {
	const base = { id: notification.id, ...order, workflowId: notification.workflowId, at: notification.at };
	switch (notification.kind) {
		case "needs_attention": {
			const { failure, attempts } = notification.episode;
			return {
				...base,
				kind: "needs_attention",
				step: failure.step,
				title: `Order ${notification.workflowId} needs attention: ${failure.step} failed for good`,
				error: { code: failure.code, message: failure.message },
				attempts,
			};
		}
		case "step_stuck":
			return {
				...base,
				kind: "step_stuck",
				step: notification.step,
				title: `Order ${notification.workflowId}: ${notification.step} is still retrying past its SLA`,
				error: notification.lastError && { code: notification.lastError.code, message: notification.lastError.message },
				attempts: notification.attempts,
			};
		case "reminder":
			return {
				...base,
				kind: "reminder",
				step: notification.step,
				title: `Order ${notification.workflowId}: still waiting for ${notification.step}, deadline ${isoTime(notification.deadline)}`,
				error: null,
				attempts: null,
			};
		case "started":
		case "attention_closed":
			return null;
	}
}

/** A breaker episode's alert: `episode` numbers the breaker's openings, so each is delivered once. */
export function downstreamAlert(
	downstream: string,
	breaker: string,
	episode: number,
	kind: "downstream_opened" | "downstream_closed",
	reason: string | null,
	at: number,
): Alert {
	const opened = kind === "downstream_opened";
	return {
		id: `breaker:${breaker}:${episode}:${opened ? "opened" : "closed"}`,
		kind,
		tenant: "",
		orderId: "",
		workflowId: "",
		step: downstream,
		title: opened
			? `${downstream} is unavailable: calls to it are held until it recovers`
			: `${downstream} recovered: held orders are being released`,
		error: opened ? { code: "breaker_open", message: reason ?? "" } : null,
		attempts: null,
		at,
	};
}
