import type { OrderStatus } from "../order/status";
import { ReasonForm } from "./actions-panel";

interface ControlsProps {
	order: OrderStatus;
	path: string;
	csrf: string;
	/** A terminate's dry run that was allowed: the steps that took effect and would stay as they are. */
	terminatePreview?: string[];
}

const ACTIVE = new Set<OrderStatus["status"]>(["running", "waiting", "compensating"]);

const TerminatePreview = ({ steps, path, csrf }: { steps: string[]; path: string; csrf: string }) => (
	<>
		<p>
			{steps.length === 0
				? "The dry run says nothing has taken effect: nothing stays behind."
				: "The dry run says these took effect and stay as they are, nothing undone:"}
		</p>
		<ul aria-label="Steps that stay as they are">
			{steps.map((step) => (
				<li>
					<code>{step}</code>
				</li>
			))}
		</ul>
		<ReasonForm href={`${path}/terminate`} csrf={csrf} button="Confirm terminate" />
	</>
);

/** Pause, resume and terminate one order: each journaled with who and why, as through the API. */
export const OrderControls = ({ order, path, csrf, terminatePreview }: ControlsProps) => {
	const active = ACTIVE.has(order.status);
	return (
		<>
			{active && !order.paused && (
				<section aria-labelledby="pause-title">
					<h3 id="pause-title">Pause</h3>
					<p>Hold this order: it calls no service until resumed. Its deadlines still count; a cancel ends the pause.</p>
					<ReasonForm href={`${path}/pause`} csrf={csrf} button="Pause order" />
				</section>
			)}
			{order.paused && (
				<section aria-labelledby="resume-title">
					<h3 id="resume-title">Resume</h3>
					<p>{`Paused by ${order.paused.actor} since ${order.paused.since}: ${order.paused.reason}`}</p>
					<ReasonForm href={`${path}/resume`} csrf={csrf} button="Resume order" />
				</section>
			)}
			{(active || order.needsAttention) && (
				<section aria-labelledby="terminate-title">
					<h3 id="terminate-title">Terminate</h3>
					<p>For an order settled outside the system: it ends terminated, nothing is undone or called again.</p>
					<form method="get" action={path} class="action">
						<button type="submit" name="preview" value="terminate">
							Preview terminate
						</button>
					</form>
					{terminatePreview && <TerminatePreview steps={terminatePreview} path={path} csrf={csrf} />}
				</section>
			)}
		</>
	);
};
