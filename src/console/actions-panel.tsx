import type { Child } from "hono/jsx";
import { z } from "zod";
import type { OperatorAction } from "../engine/events";
import type { OrderStatus } from "../order/status";

/** Longest reason accepted, in characters, as the API's. */
export const MAX_REASON = 500;

interface PanelProps {
	order: OrderStatus;
	/** The order page's path; each action posts to a path below it. */
	path: string;
	csrf: string;
	/** A retry's dry run that was allowed: the steps and undos it would run again. */
	preview?: string[];
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
export const ReasonForm = ({ href, csrf, button }: { href: string; csrf: string; button: string }) => (
	<form method="post" action={href} class="action">
		<input type="hidden" name="csrf" value={csrf} />
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

const PreviewAnswer = ({ steps, path, csrf }: { steps: string[]; path: string; csrf: string }) => (
	<>
		<p>The dry run says these would run again, with a fresh attempt budget and the same idempotency keys:</p>
		<ul aria-label="Steps a retry would run">
			{steps.map((step) => (
				<li>
					<code>{step}</code>
					{step.endsWith(":undo") ? " (an undo)" : " (a step)"}
				</li>
			))}
		</ul>
		<ReasonForm href={`${path}/retry`} csrf={csrf} button="Confirm" />
	</>
);

/** The actions a person may take on this order now; each lands in its timeline with who and why. */
export const ActionsPanel = ({ order, path, csrf, preview }: PanelProps) => {
	const cancellable = order.status === "running" || order.status === "waiting";
	if (!order.needsAttention && !cancellable)
		return <p class="muted">{`No action applies to a ${order.status} order.`}</p>;
	return (
		<div class="actions">
			{order.needsAttention && (
				<Action action="retry" title="Retry">
					<p>Redrive the order from where it stopped. Preview first: the dry run changes nothing.</p>
					<form method="get" action={path} class="action">
						<button type="submit" name="preview" value="retry">
							Preview retry
						</button>
					</form>
					{preview && <PreviewAnswer steps={preview} path={path} csrf={csrf} />}
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
		</div>
	);
};
