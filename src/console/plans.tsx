import { REFUSALS } from "../api/actions";
import type { RetryMode } from "../engine/events";
import type { PlannedStep, RetryPlan, RetryPlans } from "../engine/plan";
import { ReasonForm } from "./actions-panel";

/** A dry run the order page asked for: a retry's two ways, or what a terminate would leave as it is. */
export type Preview = { action: "retry"; plans: RetryPlans } | { action: "terminate"; steps: string[] };

/** What each planned step does, in words. */
const DOES = {
	ask: "asked under its key whether it took effect",
	retry: "sent again under its key, with a fresh attempt budget",
	run: "runs",
	wait: "waits for the answer from outside",
} satisfies Record<PlannedStep["does"], string>;

const WAYS = {
	forward: {
		title: "Carry on",
		button: "Carry on",
		says: "The step in doubt is asked under its key; if it took effect, the order goes on from there. If it did not (or its service cannot tell), it is sent again under the same key, which the service answers once. If a step then fails for good, what was done is undone, as for any failure.",
	},
	compensate: {
		title: "Undo",
		button: "Undo",
		says: "The step in doubt is learned under its key, then everything that took effect is undone, in reverse: the order ends compensated, or needs attention again if an undo fails.",
	},
} satisfies Record<RetryMode, { title: string; button: string; says: string }>;

const Step = ({ step }: { step: PlannedStep }) => (
	<li>
		<code>{step.step}</code>
		{step.kind === "undo" ? " (an undo): " : ": "}
		{DOES[step.does]}
		{step.onlyIf === "applied" ? ", only if the step in doubt took effect" : ""}
	</li>
);

const Plan = ({ mode, plan, path, csrf }: { mode: RetryMode; plan: RetryPlan; path: string; csrf: string }) => (
	<section aria-labelledby={`plan-${mode}`} class="plan">
		<h4 id={`plan-${mode}`}>{WAYS[mode].title}</h4>
		{plan.refusal ? (
			<p class="muted">{`Not possible: ${REFUSALS[plan.refusal]()}.`}</p>
		) : (
			<>
				<p>{WAYS[mode].says}</p>
				<ol aria-label={`Steps if you ${WAYS[mode].title.toLowerCase()}`}>
					{plan.steps.map((step) => (
						<Step step={step} />
					))}
				</ol>
				<ReasonForm href={`${path}/retry`} csrf={csrf} button={WAYS[mode].button} hidden={{ mode }} />
			</>
		)}
	</section>
);

/** A retry's dry run: both ways it can go, each with every step it would run, undos included, and its own Confirm. */
export const RetryPlansView = ({ plans, path, csrf }: { plans: RetryPlans; path: string; csrf: string }) => (
	<div class="plans">
		<p>The dry run changed nothing. Choose a way; each lists every step it would run, in order:</p>
		<Plan mode="forward" plan={plans.forward} path={path} csrf={csrf} />
		<Plan mode="compensate" plan={plans.compensate} path={path} csrf={csrf} />
	</div>
);
