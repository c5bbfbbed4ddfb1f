import { type Context, Hono } from "hono";
import { z } from "zod";
import { REFUSALS } from "../api/actions";
import { actorOf } from "../api/auth";
import { openEventStream } from "../api/event-streams";
import { orderStub } from "../api/route-kit";
import { OperatorAction, RetryMode } from "../engine/events";
import { OrderId } from "../order/order";
import { type OrderRef, Tenant, workflowIdOf } from "../order/tenant";
import { MAX_REASON, RequestKey } from "./actions-panel";
import { holdsOf } from "./breaker-reads";
import { COPY_SCRIPT } from "./copy";
import { navCounts } from "./counts";
import { readForm } from "./form";
import { orderPath } from "./format";
import { type ConsoleEnv, requireSession } from "./guard";
import { Layout, Notice } from "./layout";
import { EVENT_TYPES, LIVE_SCRIPT } from "./live";
import {
	type ActionsContext,
	ActionsSection,
	FactsSection,
	LiveSections,
	StepsSection,
	TimelineSection,
} from "./order-view";
import type { Preview } from "./plans";

const OrderParams = z.object({ tenant: Tenant, orderId: OrderId });
const LastEventId = z.coerce.number().int().nonnegative().catch(0);

/** What the page says after an action was taken, by its `?done=` parameter. */
const DONE = {
	retry: "Retry accepted: the steps run again under the same idempotency keys. This page follows the order live.",
	cancel: "Cancel accepted: what was done is being undone.",
	resolve: "Resolved: the order is closed as fixed by hand, and its dead letter with it.",
	pause: "Paused: the order calls no service until it is resumed.",
	resume: "Resumed: the order goes on from where it stood.",
	terminate: "Terminated: the order ended with nothing undone, and its dead letter is closed.",
} satisfies Record<OperatorAction, string>;

interface Notes {
	error?: string;
	done?: string;
	/** A dry run that was allowed: a retry's two ways, or what a terminate leaves. */
	preview?: Preview;
}

const Previewed = z.enum(["retry", "terminate"]);

type Ctx = Context<ConsoleEnv>;

const refOf = (c: Ctx): OrderRef | null => OrderParams.safeParse(c.req.param()).data ?? null;

function notFound(c: Ctx, ref: OrderRef | null) {
	const what = ref ? `No order ${ref.orderId} in tenant ${ref.tenant}.` : "That is not an order's address.";
	return c.html(
		<Layout title="Order not found" nonce={c.get("nonce")} signedIn={c.get("session")}>
			<Notice kind="error">{what}</Notice>
			<p>
				<a href="/ops/orders">Find it among the orders</a>
			</p>
		</Layout>,
		404,
	);
}

/**
 * The order's status and journal as an operator reads them, from its object, with the breakers that
 * hold its steps now (asked only when one is held); null for no such order.
 */
async function readOrder(env: Env, ref: OrderRef) {
	const stub = orderStub(env, ref);
	const [order, history] = await Promise.all([stub.status("operator"), stub.history("operator")]);
	if (!order || !history) return null;
	const steps = { events: history.events, holds: await holdsOf(env, workflowIdOf(ref), order), now: Date.now() };
	return { order, steps };
}

/** The order page: its facts, the actions a person may take, its steps and its timeline, kept live by the script. */
async function orderPage(c: Ctx, ref: OrderRef, notes: Notes, status: 200 | 400 | 409 | 422 = 200) {
	const [read, counts] = await Promise.all([readOrder(c.env, ref), navCounts(c.env.DB)]);
	if (!read) return notFound(c, ref);
	const { order, steps } = read;
	const path = orderPath(ref);
	const session = c.get("session");
	const context: ActionsContext = { path, csrf: session.csrf, preview: notes.preview };
	const lastSeq = steps.events.at(-1)?.seq ?? 0;
	return c.html(
		<Layout
			title={`Order ${ref.orderId}`}
			nonce={c.get("nonce")}
			signedIn={session}
			counts={counts}
			current="/ops/orders"
			script={`${LIVE_SCRIPT}\n${COPY_SCRIPT}`}
		>
			{notes.error && <Notice kind="error">{notes.error}</Notice>}
			{notes.done && <Notice kind="done">{notes.done}</Notice>}
			<p
				id="live-state"
				class="muted"
				data-events={`${path}/events?after=${lastSeq}`}
				data-sections={`${path}/sections${notes.preview ? `?preview=${notes.preview.action}` : ""}`}
				data-types={EVENT_TYPES}
			>
				This page shows the order as it was when it loaded.
			</p>
			<div class="overview">
				<FactsSection order={order} />
				<ActionsSection order={order} context={context} />
			</div>
			<StepsSection order={order} steps={steps} />
			<TimelineSection events={steps.events} />
		</Layout>,
		status,
	);
}

/** The page's notes from its query: an action just done, or a retry's dry run asked for. */
async function notesOf(c: Ctx, ref: OrderRef): Promise<{ notes: Notes; status?: 409 }> {
	const done = OperatorAction.safeParse(c.req.query("done")).data;
	if (done) {
		const repeated = c.req.query("repeated") !== undefined;
		return { notes: { done: repeated ? "That was already done: nothing happened twice." : DONE[done] } };
	}
	const action = Previewed.safeParse(c.req.query("preview")).data;
	if (!action) return { notes: {} };
	const request = { actor: actorOf(c.get("caller")), reason: "dry run", requestKey: null };
	const { result } = await orderStub(c.env, ref).act(action, request, true, "operator");
	if (result.outcome === "conflict")
		return { notes: { error: `Cannot ${action}: ${REFUSALS[result.refusal](result.status)}.` }, status: 409 };
	if (result.outcome !== "accepted") return { notes: {} };
	const preview: Preview | undefined =
		action === "terminate" ? { action, steps: result.steps } : result.plans && { action, plans: result.plans };
	return { notes: { preview } };
}

/**
 * One order: its page, the live parts and event stream its script follows, and the actions. Every
 * action goes through the order's object exactly as the API's do, journaled with the operator's key name.
 */
export const orderPages = new Hono<ConsoleEnv>()
	.get("/orders/:tenant/:orderId", requireSession("redirect"), async (c) => {
		const ref = refOf(c);
		if (!ref) return notFound(c, null);
		const { notes, status } = await notesOf(c, ref);
		return orderPage(c, ref, notes, status);
	})
	.get("/orders/:tenant/:orderId/sections", requireSession("refuse"), async (c) => {
		const ref = refOf(c);
		const read = ref && (await readOrder(c.env, ref));
		if (!ref || !read) return c.text("No such order.", 404);
		const { notes } = await notesOf(c, ref);
		const context = { path: orderPath(ref), csrf: c.get("session").csrf, preview: notes.preview };
		return c.html(<LiveSections order={read.order} steps={read.steps} context={context} />);
	})
	// EventSource cannot send Authorization: the API's stream, for the session's cookie instead. A
	// reconnect's Last-Event-ID wins over the `after` the page started from.
	.get("/orders/:tenant/:orderId/events", requireSession("refuse"), async (c) => {
		const ref = refOf(c);
		if (!ref) return c.text("No such order.", 404);
		const after = LastEventId.parse(c.req.header("Last-Event-ID") ?? c.req.query("after"));
		const stream = await openEventStream(c.env, (work) => c.executionCtx.waitUntil(work), c.get("caller"), ref, after);
		return c.body(stream, 200, { "Content-Type": "text/event-stream", "X-Accel-Buffering": "no" });
	})
	.post("/orders/:tenant/:orderId/:action", requireSession("redirect"), async (c) => {
		const ref = refOf(c);
		const action = OperatorAction.safeParse(c.req.param("action")).data;
		if (!ref || !action) return notFound(c, ref);
		const form = await readForm(c.req);
		const reason = form.reason?.trim() ?? "";
		if (!reason || reason.length > MAX_REASON)
			return orderPage(
				c,
				ref,
				{ error: `A reason is required (at most ${MAX_REASON} characters): it goes in the order's timeline.` },
				400,
			);
		const request = { actor: actorOf(c.get("caller")), reason, requestKey: RequestKey.parse(form.requestKey ?? null) };
		const mode = RetryMode.safeParse(form.mode ?? "compensate").data;
		if (!mode) return orderPage(c, ref, { error: "A retry goes forward or undoes; nothing was done." }, 400);
		const { result } = await orderStub(c.env, ref).act(action, request, false, "operator", mode);
		switch (result.outcome) {
			case "not_found":
				return notFound(c, ref);
			case "conflict":
				return orderPage(c, ref, { error: `Cannot ${action}: ${REFUSALS[result.refusal](result.status)}.` }, 409);
			case "key_reused":
				return orderPage(
					c,
					ref,
					{ error: `This form was already used to ${result.earlier} the order; nothing was done.` },
					422,
				);
			default:
				return c.redirect(`${orderPath(ref)}?done=${action}${result.outcome === "repeated" ? "&repeated" : ""}`, 303);
		}
	});
