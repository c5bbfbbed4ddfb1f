import type { Child } from "hono/jsx";
import { traceIdOf } from "../engine/trace";
import type { HistoryEntry, OrderStatus } from "../order/status";
import { workflowIdOf } from "../order/tenant";
import { ActionsPanel } from "./actions-panel";
import type { Holds } from "./breaker-reads";
import { Copyable } from "./copy";
import { money, Status, When } from "./format";
import { OrderControls } from "./order-controls";
import { Steps } from "./order-steps";
import { type Preview, RetryPlansView } from "./plans";
import { Timeline } from "./timeline";
import { Waterfall } from "./waterfall";

/** What the order waits for now, and until when: an event's deadline, a retry's time, a call's answer, a person. */
function awaiting(order: OrderStatus): Child {
	if (order.waitingFor)
		return (
			<>
				{`${order.waitingFor.events.join(" or ")}, until `}
				<When iso={order.waitingFor.deadline} />
			</>
		);
	const held = order.steps.find((step) => step.heldBy !== null);
	if (held)
		return (
			<>
				{`${held.heldBy} to recover: ${held.name} is held, `}
				{held.heldUntil ? (
					<>
						{"at most until "}
						<When iso={held.heldUntil} />
					</>
				) : (
					"for as long as it takes (an undo is never given up)"
				)}
			</>
		);
	const retries = order.steps.filter((step) => step.nextAttemptAt !== null);
	const next = retries.sort((a, b) => String(a.nextAttemptAt).localeCompare(String(b.nextAttemptAt)))[0];
	if (next)
		return (
			<>
				{`the next attempt of ${next.name}, at `}
				<When iso={next.nextAttemptAt} />
			</>
		);
	if (order.status === "running" || order.status === "compensating")
		return order.currentStep ? `${order.currentStep} to answer` : "its run to go on";
	if (order.needsAttention) return "a person: retry or resolve";
	return "nothing: the order has ended";
}

const Facts = ({ order }: { order: OrderStatus }) => (
	<dl class="facts">
		<dt>Status</dt>
		<dd>
			<Status value={order.status} />
			{order.needsAttention && order.status !== "needs_attention" ? " and needs attention" : ""}
		</dd>
		<dt>Order id</dt>
		<dd>
			<Copyable text={order.orderId} what="the order id" />
		</dd>
		<dt>Tenant</dt>
		<dd>{order.tenant}</dd>
		<dt>Trace id</dt>
		<dd>
			<Copyable text={traceIdOf(workflowIdOf(order))} what="the trace id" />
		</dd>
		<dt>Workflow version</dt>
		<dd>{order.workflowVersion}</dd>
		<dt>Waiting for</dt>
		<dd>{awaiting(order)}</dd>
		<dt>Current step</dt>
		<dd>{order.currentStep ?? "—"}</dd>
		<dt>Failure</dt>
		<dd>{order.failure ? `${order.failure.step}: ${order.failure.code}: ${order.failure.message}` : "—"}</dd>
		<dt>Total</dt>
		<dd>{money(order.totalCents, order.currency)}</dd>
		<dt>Customer</dt>
		<dd>{`${order.customer.id} (${order.customer.email})`}</dd>
		<dt>Created</dt>
		<dd>
			<When iso={order.createdAt} />
		</dd>
		<dt>Updated</dt>
		<dd>
			<When iso={order.updatedAt} />
		</dd>
		<dt>Usage</dt>
		<dd>
			{`${order.usage.rowsWritten} rows written, ${order.usage.rowsRead} rows read, ${order.usage.alarmsSet} alarms set, ${order.usage.requests} requests`}
		</dd>
	</dl>
);

/** A part of the order page that follows the order live: the page's script swaps it for a fresh copy by its id. */
const Live = ({ id, title, children }: { id: string; title: string; children: Child }) => (
	<section id={id} data-live aria-labelledby={`${id}-title`}>
		<h2 id={`${id}-title`}>{title}</h2>
		{children}
	</section>
);

export const FactsSection = ({ order }: { order: OrderStatus }) => (
	<Live id="live-facts" title="Order">
		<Facts order={order} />
	</Live>
);

/** What the steps section reads besides the order: its journal (times, results), the breakers holding it, now. */
export interface StepsContext {
	events: HistoryEntry[];
	holds: Holds;
	now: number;
}

export const StepsSection = ({ order, steps }: { order: OrderStatus; steps: StepsContext }) => (
	<Live id="live-steps" title="Steps">
		{order.steps.length === 0 ? (
			<p>No step has started yet.</p>
		) : (
			<>
				<Waterfall order={order} now={steps.now} />
				<Steps steps={order.steps} events={steps.events} holds={steps.holds} />
			</>
		)}
	</Live>
);

export const TimelineSection = ({ events }: { events: HistoryEntry[] }) => (
	<Live id="live-timeline" title="Timeline">
		<Timeline events={events} />
	</Live>
);

/** What the actions section needs besides the order: where the forms post, the session's token, a retry's dry run. */
export interface ActionsContext {
	path: string;
	csrf: string;
	/** A dry run the page asked for (a retry's or a terminate's). */
	preview?: Preview;
}

/** The actions that apply now; swapped like the rest, except while a person is filling in one of its forms. */
export const ActionsSection = ({
	order,
	context: { path, csrf, preview },
}: {
	order: OrderStatus;
	context: ActionsContext;
}) => (
	<Live id="live-actions" title="Actions">
		<ActionsPanel
			order={order}
			path={path}
			csrf={csrf}
			retryPreview={preview?.action === "retry" && <RetryPlansView plans={preview.plans} path={path} csrf={csrf} />}
		>
			<OrderControls
				order={order}
				path={path}
				csrf={csrf}
				terminatePreview={preview?.action === "terminate" ? preview.steps : undefined}
			/>
		</ActionsPanel>
	</Live>
);

/** Every live part at once: what the page's script fetches whenever the event stream says something happened. */
export const LiveSections = ({
	order,
	steps,
	context,
}: {
	order: OrderStatus;
	steps: StepsContext;
	context: ActionsContext;
}) => (
	<>
		<FactsSection order={order} />
		<ActionsSection order={order} context={context} />
		<StepsSection order={order} steps={steps} />
		<TimelineSection events={steps.events} />
	</>
);
