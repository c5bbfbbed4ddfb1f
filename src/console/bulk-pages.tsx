import { type Context, Hono } from "hono";
import { raw } from "hono/html";
import { z } from "zod";
import { actorOf } from "../api/auth";
import { actOnBatch, type BulkOrderResult } from "../api/bulk-retry";
import { RetryMode } from "../engine/events";
import type { ActionRequest } from "../engine/operator";
import { MAX_REASON, ReasonForm, RequestKey } from "./actions-panel";
import { type BulkAction, Counts, countsOf, FirstOrders, filterFieldsOf, Hidden } from "./bulk-panel";
import { OrderFilters, parseFilters } from "./filters";
import { readForm } from "./form";
import { type ConsoleEnv, requireSession } from "./guard";
import { Layout, Notice } from "./layout";

/** Orders per batch, as the API's default; batches per form sent: each order is one request to its object. */
const BATCH = 50;
const MAX_BATCHES = 10;
/** Orders a preview names one by one. */
const FIRST = 10;

const Action = z.enum(["retry", "resolve"]);
const TITLES = { retry: "Bulk retry", resolve: "Bulk resolve" } satisfies Record<BulkAction, string>;

type Ctx = Context<ConsoleEnv>;

/** What a bulk page acts on: the action, its mode, and the orders page's filters, checked as that page checks them. */
function readBulk(source: Record<string, string | undefined>) {
	const action = Action.safeParse(source.action).data;
	const mode = RetryMode.safeParse(source.mode ?? "compensate").data;
	const fields = filterFieldsOf(source);
	const { filters, error } = parseFilters(OrderFilters, fields);
	if (!action || !mode || error) return { error: error ?? "Choose retry or resolve, and a mode." } as const;
	const { cursor, ...filter } = filters;
	return { action, mode, fields, filter: { ...filter, limit: BATCH, after: cursor } } as const;
}

const refused = (c: Ctx, message: string) =>
	c.html(
		<Layout title="Not done" nonce={c.get("nonce")} signedIn={c.get("session")} current="/ops/orders">
			<Notice kind="error">{message}</Notice>
			<p>
				<a href="/ops/orders">Back to the orders</a>
			</p>
		</Layout>,
		400,
	);

const request = (c: Ctx, reason: string, requestKey: string | null): ActionRequest => ({
	actor: actorOf(c.get("caller")),
	reason,
	requestKey,
});

/** Renders `page` with markers in it, and gives back the parts between them: the page streams around its progress. */
async function around(page: { toString(): unknown }, ...marks: string[]): Promise<string[]> {
	let rest = String(await page.toString());
	const parts: string[] = [];
	for (const mark of marks) {
		const at = rest.indexOf(mark);
		parts.push(rest.slice(0, at));
		rest = rest.slice(at + mark.length);
	}
	return [...parts, rest];
}

const PROGRESS = "<!--progress-->";
const SUMMARY = "<!--summary-->";

/**
 * Bulk retry and bulk resolve from the orders page's filter: a preview (a dry run of the first batch,
 * with counts per outcome and the first orders it would touch), then the action, batch after batch,
 * through the same code as the API's `POST /orders/retry`, its progress streamed as it goes and a
 * summary after.
 */
export const bulkPages = new Hono<ConsoleEnv>()
	.get("/orders/bulk", requireSession("redirect"), async (c) => {
		const bulk = readBulk(c.req.query());
		if ("error" in bulk) return refused(c, bulk.error ?? "");
		const { action, mode, fields, filter } = bulk;
		const dry = await actOnBatch(c.env, action, filter, request(c, "dry run", null), true, mode);
		const title = `${TITLES[action]}: preview`;
		return c.html(
			<Layout title={title} nonce={c.get("nonce")} signedIn={c.get("session")} current="/ops/orders">
				<p>
					{`The dry run of the first ${dry.orders.length} matching orders changed nothing${dry.nextCursor ? "; more match, in further batches" : ""}${action === "retry" ? `; going ${mode}` : ""}.`}
				</p>
				<Counts counts={countsOf(dry.orders)} label="Orders per outcome" />
				<FirstOrders results={dry.orders.slice(0, FIRST)} />
				<section aria-labelledby="confirm-title">
					<h2 id="confirm-title">{`Confirm ${TITLES[action].toLowerCase()}`}</h2>
					<ReasonForm
						href="/ops/orders/bulk"
						csrf={c.get("session").csrf}
						button={`Confirm ${TITLES[action].toLowerCase()}`}
						hidden={{ ...fields, action, mode }}
					/>
				</section>
			</Layout>,
		);
	})
	.post("/orders/bulk", requireSession("redirect"), async (c) => {
		const form = await readForm(c.req);
		const bulk = readBulk(form);
		if ("error" in bulk) return refused(c, bulk.error ?? "");
		const reason = form.reason?.trim() ?? "";
		if (!reason || reason.length > MAX_REASON)
			return refused(c, `A reason is required (at most ${MAX_REASON} characters).`);
		const { action, mode, fields, filter } = bulk;
		const asked = request(c, reason, RequestKey.parse(form.requestKey ?? null));
		const page = (
			<Layout title={TITLES[action]} nonce={c.get("nonce")} signedIn={c.get("session")} current="/ops/orders">
				<p class="muted">{`Working through the matching orders, ${BATCH} at a time${action === "retry" ? `, going ${mode}` : ""}:`}</p>
				<ol aria-label="Progress" aria-live="polite">
					{raw(PROGRESS)}
				</ol>
				{raw(SUMMARY)}
			</Layout>
		);
		const [head, middle, tail] = await around(page, PROGRESS, SUMMARY);
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const writer = writable.getWriter();
		const encoder = new TextEncoder();
		const write = (html: string) => writer.write(encoder.encode(html));
		const work = async () => {
			const all: BulkOrderResult[] = [];
			let after = filter.after;
			let batches = 0;
			let next: string | null = null;
			try {
				await write(head ?? "");
				do {
					const batch = await actOnBatch(c.env, action, { ...filter, after }, asked, false, mode);
					all.push(...batch.orders);
					next = batch.nextCursor;
					after = next ? parseFilters(OrderFilters, { cursor: next }).filters.cursor : undefined;
					batches++;
					await write(
						String(
							await (<li>{`Batch ${batches}: ${batch.orders.length} orders, ${all.length} so far`}</li>).toString(),
						),
					);
				} while (next && batches < MAX_BATCHES);
				await write(middle ?? "");
				const summary = (
					<Summary
						results={all}
						next={next}
						fields={fields}
						action={action}
						mode={mode}
						reason={reason}
						csrf={c.get("session").csrf}
						requestKey={asked.requestKey}
					/>
				);
				await write(String(await summary.toString()));
			} catch (error) {
				console.error(`request ${c.get("requestId")}: bulk ${action} stopped`, error);
				await write(
					`${middle ?? ""}<p class="notice error" role="alert">Stopped by an error (request ${c.get("requestId")}); what was done stays done.</p>`,
				);
			} finally {
				await write(tail ?? "");
				await writer.close();
			}
		};
		c.executionCtx.waitUntil(work());
		return c.body(readable, 200, { "Content-Type": "text/html; charset=UTF-8" });
	});

interface SummaryProps {
	results: BulkOrderResult[];
	next: string | null;
	fields: Record<string, string>;
	action: BulkAction;
	mode: string;
	reason: string;
	csrf: string;
	requestKey: string | null;
}

/** What the run did, counted; the refusals named; and, past the batches one form may run, a way on. */
const Summary = ({ results, next, fields, action, mode, reason, csrf, requestKey }: SummaryProps) => (
	<section aria-labelledby="summary-title">
		<h2 id="summary-title">{`Done: ${results.length} orders`}</h2>
		<Counts counts={countsOf(results)} label="Summary per outcome" />
		{results.some((r) => r.outcome === "refused") && (
			<FirstOrders results={results.filter((r) => r.outcome === "refused").slice(0, FIRST)} />
		)}
		{next && (
			<form method="post" action="/ops/orders/bulk" class="action">
				<input type="hidden" name="csrf" value={csrf} />
				<input type="hidden" name="requestKey" value={requestKey ?? ""} />
				<input type="hidden" name="reason" value={reason} />
				<Hidden fields={{ ...fields, action, mode, cursor: next }} />
				<p>{`More match than ${MAX_BATCHES * BATCH} orders at once.`}</p>
				<button type="submit" class="primary">
					Continue with the next orders
				</button>
			</form>
		)}
		<p>
			<a href="/ops/orders">Back to the orders</a>
		</p>
	</section>
);
