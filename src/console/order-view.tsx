import type { Child } from "hono/jsx";
import type { HistoryEntry, OrderStatus } from "../order/status";
import { ActionsPanel } from "./actions-panel";
import { money, Status, When } from "./format";
import { OrderControls } from "./order-controls";
import { type Preview, RetryPlansView } from "./plans";
import { Timeline } from "./timeline";

type Step = OrderStatus["steps"][number];

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
		<dt>Tenant</dt>
		<dd>{order.tenant}</dd>
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

const lastError = (step: Step) =>
	step.lastError ? `${step.lastError.code} (${step.lastError.kind}): ${step.lastError.message}` : "";

/** What its service said when asked about its key, or which event came: what settled a doubt or a wait. */
const answered = (step: Step): Child => {
	if (step.event) return `${step.event} came`;
	if (!step.verification) return "";
	return (
		<>
			{`${step.verification}, asked `}
			<When iso={step.verifiedAt} />
		</>
	);
};

const Steps = ({ steps }: { steps: Step[] }) => (
	<table>
		<thead>
			<tr>
				<th scope="col">Step</th>
				<th scope="col">Kind</th>
				<th scope="col">Status</th>
				<th scope="col">Attempts</th>
				<th scope="col">Idempotency key</th>
				<th scope="col">Last error</th>
				<th scope="col">Answer</th>
				<th scope="col">Next attempt</th>
			</tr>
		</thead>
		<tbody>
			{steps.map((step) => (
				<tr data-step={step.name}>
					<th scope="row">{step.name}</th>
					<td>{step.kind}</td>
					<td>
						<Status value={step.status} />
					</td>
					<td>{step.attempts}</td>
					<td>{step.idempotencyKey ? <code>{step.idempotencyKey}</code> : ""}</td>
					<td class="wrap">{lastError(step)}</td>
					<td>{answered(step)}</td>
					<td>{step.heldBy ? `held: ${step.heldBy} is unavailable` : <When iso={step.nextAttemptAt} />}</td>
				</tr>
			))}
		</tbody>
	</table>
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

export const StepsSection = ({ order }: { order: OrderStatus }) => (
	<Live id="live-steps" title="Steps">
		{order.steps.length === 0 ? <p>No step has started yet.</p> : <Steps steps={order.steps} />}
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
	events,
	context,
}: {
	order: OrderStatus;
	events: HistoryEntry[];
	context: ActionsContext;
}) => (
	<>
		<FactsSection order={order} />
		<ActionsSection order={order} context={context} />
		<StepsSection order={order} />
		<TimelineSection events={events} />
	</>
);
