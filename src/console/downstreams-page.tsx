import { Hono } from "hono";
import { z } from "zod";
import { actorOf } from "../api/auth";
import { breaker } from "../api/downstreams";
import { ApiError } from "../api/problem";
import { isoTime } from "../engine/time";
import type { DownstreamView } from "../ops/breaker-state";
import { CONSOLE_PATHS } from "../ops/console-paths";
import { DOWNSTREAMS } from "../order/services";
import { MAX_REASON, ReasonForm, RequestKey } from "./actions-panel";
import { breakersSince } from "./breaker-reads";
import { navCounts } from "./counts";
import { DownstreamDetail } from "./downstream-detail";
import { readForm } from "./form";
import { Ago, Status } from "./format";
import { type ConsoleEnv, requireSession } from "./guard";
import { Layout, Notice } from "./layout";

const PATH = CONSOLE_PATHS.downstreams;
const Action = z.enum(["pause", "resume"]);
type Action = z.infer<typeof Action>;

const DONE = {
	pause: "Paused: new calls to it are held (isolates learn within seconds); calls in flight finish.",
	resume: "Resumed: held orders are being released in waves.",
} satisfies Record<Action, string>;

/** Why an action was refused, in the page's own words: a link's query names the action and a known downstream, never the text. */
const REFUSED = {
	pause: (name: string) => `Cannot pause ${name}: it is paused.`,
	resume: (name: string) => `Cannot resume ${name}: it is not paused.`,
} satisfies Record<Action, (name: string) => string>;

const Refusal = z.object({ refused: Action, name: z.enum(DOWNSTREAMS) });

/** How far back the page lists episodes, in ms, and how many episodes and held orders it lists per downstream. */
const EPISODES_SINCE_MS = 7 * 86_400_000;
const LISTED = 50;

/** Pause for a running service, resume for a paused one: a reason, the button, a request key per rendering. */
const ActionForm = ({ view, csrf }: { view: DownstreamView; csrf: string }) => {
	const action: Action = view.state === "paused" ? "resume" : "pause";
	const button = `${action === "pause" ? "Pause" : "Resume"} ${view.name}`;
	return <ReasonForm href={`${PATH}/${view.name}/${action}`} csrf={csrf} button={button} />;
};

const Table = ({ views, csrf, now }: { views: DownstreamView[]; csrf: string; now: number }) => (
	<table>
		<thead>
			<tr>
				<th scope="col">Downstream</th>
				<th scope="col">State</th>
				<th scope="col">Since</th>
				<th scope="col">Recent failures</th>
				<th scope="col">Held orders</th>
				<th scope="col">Reason</th>
				<th scope="col">Action</th>
			</tr>
		</thead>
		<tbody>
			{views.map((view) => (
				<tr>
					<td data-label="Downstream">
						<a href={`#${view.name}`}>{view.name}</a>
					</td>
					<td data-label="State">
						<Status value={view.state} />
					</td>
					<td data-label="Since">
						<Ago iso={isoTime(view.since)} now={now} />
					</td>
					<td data-label="Recent failures">{view.recentFailures}</td>
					<td data-label="Held orders">{view.heldOrders}</td>
					<td data-label="Reason" class="wrap">
						{view.reason ?? ""}
					</td>
					<td data-label="Action">
						<ActionForm view={view} csrf={csrf} />
					</td>
				</tr>
			))}
		</tbody>
	</table>
);

/** The circuit breakers: each service's state and held orders, with pause and resume. */
export const downstreamsPage = new Hono<ConsoleEnv>()
	.get("/downstreams", requireSession("redirect"), async (c) => {
		const now = Date.now();
		const [breakers, counts] = await Promise.all([
			breakersSince(c.env, now - EPISODES_SINCE_MS, LISTED),
			navCounts(c.env.DB),
		]);
		const done = Action.safeParse(c.req.query("done")).data;
		const refusal = Refusal.safeParse(c.req.query()).data;
		const error = refusal && REFUSED[refusal.refused](refusal.name);
		return c.html(
			<Layout title="Downstreams" nonce={c.get("nonce")} signedIn={c.get("session")} counts={counts} current={PATH}>
				{done && <Notice kind="done">{DONE[done]}</Notice>}
				{error && <Notice kind="error">{error}</Notice>}
				<p>
					While a service's breaker is open or paused, orders calling it are held (no attempt used) and go on by
					themselves once it closes, released a few per second.
				</p>
				<Table views={breakers.map((past) => past.view)} csrf={c.get("session").csrf} now={now} />
				{breakers.map((past) => (
					<DownstreamDetail past={past} now={now} />
				))}
			</Layout>,
		);
	})
	.post("/downstreams/:name/:action", requireSession("redirect"), async (c) => {
		const name = c.req.param("name");
		const action = Action.safeParse(c.req.param("action")).data;
		if (!action) throw new ApiError(404, "not-found", `No action ${c.req.param("action")} on a downstream.`);
		const { object, stub } = breaker(c.env, name);
		const form = await readForm(c.req);
		const reason = form.reason?.trim() ?? "";
		if (!reason || reason.length > MAX_REASON)
			throw new ApiError(400, "reason-required", `A reason is required (at most ${MAX_REASON} characters).`);
		const request = { actor: actorOf(c.get("caller")), reason, requestKey: RequestKey.parse(form.requestKey ?? null) };
		const answer = await stub.act(name, object, action, request);
		if (answer.outcome === "conflict") return c.redirect(`${PATH}?refused=${action}&name=${name}`, 303);
		if (answer.outcome === "key_reused") throw new ApiError(422, "form-reused", "This form was already used.");
		return c.redirect(`${PATH}?done=${action}`, 303);
	});
