import { Hono } from "hono";
import { type DeadLetter, DeadLetterStatus, listDeadLetters } from "../ops/dead-letters";
import { navCounts } from "./counts";
import { OrderIdFields, TextField } from "./fields";
import { DeadLetterFilters, type DeadLetterFilters as Filters, parseFilters } from "./filters";
import { Ago, nextPage, orderPath } from "./format";
import type { ConsoleEnv } from "./guard";
import { Layout, Notice } from "./layout";
import { RowActions } from "./row-actions";

/** Rows per page. */
const PAGE_SIZE = 50;

/** The filter form, showing what was asked for as it was typed (even when it was not valid). */
const FilterForm = ({ filters, values }: { filters: Filters; values: Record<string, string> }) => (
	<form method="get" action="/ops/dead-letters" class="filters" aria-label="Filter dead letters">
		<label>
			Status
			<select name="status">
				{DeadLetterStatus.options.map((status) => (
					<option value={status} selected={filters.status === status}>
						{status}
					</option>
				))}
			</select>
		</label>
		<OrderIdFields values={values} />
		<TextField name="tenant" label="Tenant" values={values} hint="e.g. default" />
		<button type="submit" class="primary">
			Filter
		</button>
	</form>
);

const Closed = ({ closed, now }: { closed: DeadLetter["closed"]; now: number }) =>
	closed ? (
		<>
			{`${closed.action} by ${closed.by}: “${closed.reason}”, `}
			<Ago iso={closed.at} now={now} />
		</>
	) : (
		<span class="muted">open</span>
	);

const DeadLetterTable = ({ deadLetters, csrf, now }: { deadLetters: DeadLetter[]; csrf: string; now: number }) => (
	<table>
		<thead>
			<tr>
				<th scope="col">Order</th>
				<th scope="col">Tenant</th>
				<th scope="col">Step</th>
				<th scope="col">Code</th>
				<th scope="col">Message</th>
				<th scope="col">Attempts</th>
				<th scope="col">Opened</th>
				<th scope="col">Closed</th>
				<th scope="col">Actions</th>
			</tr>
		</thead>
		<tbody>
			{deadLetters.map((letter) => (
				<tr>
					<td data-label="Order" class="id">
						<a href={orderPath(letter)}>{letter.orderId}</a>
					</td>
					<td data-label="Tenant">{letter.tenant}</td>
					<td data-label="Step">{letter.step}</td>
					<td data-label="Code">{letter.code}</td>
					<td data-label="Message" class="wrap">
						{letter.message}
					</td>
					<td data-label="Attempts">{letter.attempts}</td>
					<td data-label="Opened">
						<Ago iso={letter.createdAt} now={now} />
					</td>
					<td data-label="Closed" class="wrap">
						<Closed closed={letter.closed} now={now} />
					</td>
					<td data-label="Actions">
						<RowActions letter={letter} csrf={csrf} />
					</td>
				</tr>
			))}
		</tbody>
	</table>
);

/** Orders whose automation gave up: open until retried or resolved, then closed with who, how and why. */
export const deadLettersPage = new Hono<ConsoleEnv>().get("/dead-letters", async (c) => {
	const { cursor: _, ...query } = c.req.query();
	const { filters, error } = parseFilters(DeadLetterFilters, c.req.query());
	const { cursor, ...shown } = filters;
	const [{ deadLetters, nextCursor }, counts] = await Promise.all([
		error
			? { deadLetters: [], nextCursor: null }
			: listDeadLetters(c.env.DB, { ...shown, limit: PAGE_SIZE, after: cursor }),
		navCounts(c.env.DB),
	]);
	return c.html(
		<Layout
			title="Dead letters"
			nonce={c.get("nonce")}
			signedIn={c.get("session")}
			counts={counts}
			current="/ops/dead-letters"
		>
			<FilterForm filters={filters} values={query} />
			{error && <Notice kind="error">{error}</Notice>}
			{deadLetters.length === 0 ? (
				<p>{`No ${filters.status} dead letters.`}</p>
			) : (
				<DeadLetterTable deadLetters={deadLetters} csrf={c.get("session").csrf} now={Date.now()} />
			)}
			{nextCursor && (
				<p class="pager">
					<a href={nextPage("/ops/dead-letters", query, nextCursor)} rel="next">
						Next page
					</a>
				</p>
			)}
		</Layout>,
		error ? 400 : 200,
	);
});
