import type { BulkOrderResult } from "../api/bulk-retry";
import { RetryMode } from "../engine/events";
import type { PlannedStep } from "../engine/plan";
import { orderPath } from "./format";

/** What a bulk action does to every order the orders page's filter matches: redrive them, or resolve them by hand. */
export type BulkAction = "retry" | "resolve";

/** The orders page's filters as a form carries them on, field by field (the cursor's raw text included). */
export type FilterFields = Record<string, string>;

/** The filter fields a bulk action keeps from a query or a form: exactly the orders page's, nothing else. */
export const FILTER_FIELDS = ["status", "step", "failure", "tenant", "workflowVersion", "cursor"] as const;

export const filterFieldsOf = (source: Record<string, string | undefined>): FilterFields =>
	Object.fromEntries(FILTER_FIELDS.flatMap((name) => (source[name] ? [[name, source[name]]] : [])));

export const Hidden = ({ fields }: { fields: FilterFields }) => (
	<>
		{Object.entries(fields).map(([name, value]) => (
			<input type="hidden" name={name} value={value} />
		))}
	</>
);

const MODES = { compensate: "undo", forward: "carry on" } satisfies Record<RetryMode, string>;

/**
 * The orders page's bulk actions, for the orders needing attention that its filter matches: each is
 * previewed first (a dry run of the first batch), then confirmed with a reason.
 */
export const BulkPanel = ({ fields }: { fields: FilterFields }) => (
	<section class="actions" aria-labelledby="bulk-title">
		<section>
			<h2 id="bulk-title">Act on every order this filter matches</h2>
			<form method="get" action="/ops/orders/bulk" class="action">
				<Hidden fields={fields} />
				<input type="hidden" name="action" value="retry" />
				<label>
					Retry going
					<select name="mode">
						{RetryMode.options.map((mode) => (
							<option value={mode}>{MODES[mode]}</option>
						))}
					</select>
				</label>
				<button type="submit">Preview bulk retry</button>
			</form>
			<form method="get" action="/ops/orders/bulk" class="action">
				<Hidden fields={fields} />
				<input type="hidden" name="action" value="resolve" />
				<button type="submit">Preview bulk resolve</button>
			</form>
		</section>
	</section>
);

/** How many orders got each outcome, in words: what a preview counts and a summary adds up. */
export function countsOf(results: BulkOrderResult[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const result of results) counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
	return counts;
}

const OUTCOMES: Record<string, string> = {
	dry_run: "would be acted on",
	accepted: "accepted",
	repeated: "already done (nothing twice)",
	refused: "refused",
	not_found: "not found",
};

export const Counts = ({ counts, label }: { counts: Record<string, number>; label: string }) => (
	<ul aria-label={label}>
		{Object.entries(counts).map(([outcome, n]) => (
			<li>{`${n} ${OUTCOMES[outcome] ?? outcome}`}</li>
		))}
	</ul>
);

const planText = (plan: PlannedStep[]) =>
	plan.map((s) => `${s.step} (${s.does}${s.onlyIf ? ", if applied" : ""})`).join(" → ");

/** The first orders a bulk action touches, each with what it would do or why it was refused. */
export const FirstOrders = ({ results }: { results: BulkOrderResult[] }) => (
	<ol aria-label="The first orders it would touch">
		{results.map((r) => (
			<li class="wrap">
				<a href={orderPath(r)}>{r.orderId}</a>
				{` (${r.tenant}): `}
				{r.outcome === "refused"
					? `refused: ${r.detail}`
					: r.plan
						? planText(r.plan)
						: (OUTCOMES[r.outcome] ?? r.outcome)}
			</li>
		))}
	</ol>
);
