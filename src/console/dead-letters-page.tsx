import { Hono } from "hono";
import { type DeadLetter, DeadLetterStatus, listDeadLetters } from "../ops/dead-letters";
import { DeadLetterFilters, type DeadLetterFilters as Filters, parseFilters } from "./filters";
import { nextPage, orderPath, When } from "./format";
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
		<label>
			Tenant
			<input name="tenant" value={values.tenant ?? ""} placeholder="e.g. default" />
		</label>
		<button type="submit" class="primary">
			Filter
		</button>
	</form>
);

const Closed = ({ closed }: { closed: DeadLetter["closed"] }) =>
	closed ? (
		<>
			{`${closed.action} by ${closed.by}: “${closed.reason}” at `}
			<When iso={closed.at} />
		</>
	) : (
		<span class="muted">open</span>
	);

const DeadLetterTable = ({ deadLetters, csrf }: { deadLetters: DeadLetter[]; csrf: string }) => (
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
					<td>
						<a href={orderPath(letter)}>{letter.orderId}</a>
					</td>
					<td>{letter.tenant}</td>
					<td>{letter.step}</td>
					<td>{letter.code}</td>
					<td class="wrap">{letter.message}</td>
					<td>{letter.attempts}</td>
					<td>
						<When iso={letter.createdAt} />
					</td>
					<td class="wrap">
						<Closed closed={letter.closed} />
					</td>
					<td>
						<RowActions letter={letter} csrf={csrf} />
					</td>
				</tr>
			))}
		</tbody>
	</table>
);

/** Orders whose automation gave up: open until retried or resolved, then closed with who, how and why. */
export const deadLettersPage = new Hono<ConsoleEnv>().get("/dead-letters", async (c) => {
	const query = c.req.query();
	const { filters, error } = parseFilters(DeadLetterFilters, query);
	const { cursor, ...shown } = filters;
	const { deadLetters, nextCursor } = error
		? { deadLetters: [], nextCursor: null }
		: await listDeadLetters(c.env.DB, { ...shown, limit: PAGE_SIZE, after: cursor });
	return c.html(
		<Layout title="Dead letters" nonce={c.get("nonce")} signedIn={c.get("session")} current="/ops/dead-letters">
			<FilterForm filters={filters} values={query} />
			{error && <Notice kind="error">{error}</Notice>}
			{deadLetters.length === 0 ? (
				<p>{`No ${filters.status} dead letters.`}</p>
			) : (
				<DeadLetterTable deadLetters={deadLetters} csrf={c.get("session").csrf} />
			)}
			{nextCursor && (
				<p class="pager">
					<a href={nextPage("/ops/dead-letters", shown, nextCursor)} rel="next">
						Next page
					</a>
				</p>
			)}
		</Layout>,
		error ? 400 : 200,
	);
});
