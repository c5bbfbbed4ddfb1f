import type { Child } from "hono/jsx";
import { z } from "zod";
import { ActiveStatus, type OperatorAction } from "../engine/events";
import type { OrderStatus } from "../order/status";

/** Longest reason accepted, in characters, as the API's. */
export const MAX_REASON = 500;

interface PanelProps {
	order: OrderStatus;
	/** The order page's path; each action posts to a path below it. */
	path: string;
	csrf: string;
	/** A retry's dry run that was allowed: both ways it can go (plans.tsx). */
	retryPreview?: Child;
	/** The actions on any order under way (order-controls.tsx). */
	children?: Child;
}

/** A form's request key as posted: ours, or none (an action without one is still journaled once per request). */
export const RequestKey = z
	.string()
	.regex(/^[\w-]{1,200}$/)
	.nullable()
	.catch(null);

/**
 * A person's action as a form: a required reason and the button that does it. Each rendering gets a
 * fresh request key, so a form sent twice (a double click, a resend after Back) acts once.
 */
export const ReasonForm = ({
	href,
	csrf,
	button,
	hidden = {},
}: {
	href: string;
	csrf: string;
	button: string;
	/** More fields the action takes (a retry's mode). */
	hidden?: Record<string, string>;
}) => (
	<form method="post" action={href} class="action">
		<input type="hidden" name="csrf" value={csrf} />
		{Object.entries(hidden).map(([name, value]) => (
			<input type="hidden" name={name} value={value} />
		))}
		<input type="hidden" name="requestKey" value={`console-${crypto.randomUUID()}`} />
		<label>
			Reason
			<input name="reason" required maxlength={MAX_REASON} autocomplete="off" />
		</label>
		<button type="submit" class="primary">
			{button}
		</button>
	</form>
);

const Action = ({ action, title, children }: { action: OperatorAction; title: string; children: Child }) => (
	<section aria-labelledby={`${action}-title`}>
		<h3 id={`${action}-title`}>{title}</h3>
		{children}
	</section>
);

/** The actions a person may take on this order now; each lands in its timeline with who and why. */
export const ActionsPanel = ({ order, path, csrf, retryPreview, children }: PanelProps) => {
	const cancellable = order.status === "running" || order.status === "waiting";
	if (!order.needsAttention && !ActiveStatus.safeParse(order.status).success)
		return <p class="muted">{`No action applies to a ${order.status} order.`}</p>;
	return (
		<div class="actions">
			{order.needsAttention && (
				<Action action="retry" title="Retry">
					<p>
						Redrive the order from where it stopped, going forward or undoing. Preview first: the dry run changes
						nothing.
					</p>
					<form method="get" action={path} class="action">
						<button type="submit" name="preview" value="retry">
							Preview retry
						</button>
					</form>
					{retryPreview}
				</Action>
			)}
			{order.needsAttention && (
				<Action action="resolve" title="Resolve">
					<p>Close the order as fixed by hand: it ends resolved and its dead letter is closed.</p>
					<ReasonForm href={`${path}/resolve`} csrf={csrf} button="Resolve" />
				</Action>
			)}
			{cancellable && (
				<Action action="cancel" title="Cancel">
					<p>Stop the order before the warehouse's pick: what was done is undone.</p>
					<ReasonForm href={`${path}/cancel`} csrf={csrf} button="Cancel order" />
				</Action>
			)}
			{children}
		</div>
	);
};
