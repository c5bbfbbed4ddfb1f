import { Hono } from "hono";
import { WorkflowStatus } from "../engine/events";
import { type IndexedOrder, listOrders } from "../ops/order-index";
import { BulkPanel, filterFieldsOf } from "./bulk-panel";
import { navCounts } from "./counts";
import { OrderIdFields, TextField, TimeField } from "./fields";
import { OrderFilters, parseFilters } from "./filters";
import { Ago, money, nextPage, orderPath, Status } from "./format";
import type { ConsoleEnv } from "./guard";
import { Layout, Notice } from "./layout";

/** Rows per page. */
const PAGE_SIZE = 50;

/** The filter form, showing what was asked for as it was typed (even when it was not valid). */
const FilterForm = ({ values }: { values: Record<string, string> }) => (
	<form method="get" action="/ops/orders" class="filters" aria-label="Filter orders">
		<OrderIdFields values={values} />
		<label>
			Status
			<select name="status">
				<option value="">any</option>
				{WorkflowStatus.options.map((status) => (
					<option value={status} selected={values.status === status}>
						{status}
					</option>
				))}
			</select>
		</label>
		<TextField name="step" label="Step" values={values} hint="e.g. reserve-inventory" />
		<TextField name="failureStep" label="Failed at" values={values} hint="e.g. charge-payment" />
		<TextField name="failure" label="Failure" values={values} hint="e.g. out_of_stock" />
		<TextField name="tenant" label="Tenant" values={values} hint="e.g. default" />
		<label>
			Workflow version
			<input name="workflowVersion" type="number" min="1" value={values.workflowVersion ?? ""} />
		</label>
		<TimeField name="createdAfter" label="Placed from" values={values} />
		<TimeField name="createdBefore" label="Placed before" values={values} />
		<button type="submit" class="primary">
			Filter
		</button>
		<a href="/ops/orders">Clear</a>
	</form>
);

/** Where the order failed and how, as one line: "reserve-inventory: out_of_stock". */
const failure = (order: IndexedOrder) =>
	order.failureCode ? `${order.failureStep ? `${order.failureStep}: ` : ""}${order.failureCode}` : "";

const OrderTable = ({ orders, now }: { orders: IndexedOrder[]; now: number }) => (
	<table>
		<thead>
			<tr>
				<th scope="col">Order</th>
				<th scope="col">Tenant</th>
				<th scope="col">Status</th>
				<th scope="col">Step</th>
				<th scope="col">Failure</th>
				<th scope="col">Version</th>
				<th scope="col">Total</th>
				<th scope="col">Created</th>
				<th scope="col">Updated</th>
			</tr>
		</thead>
		<tbody>
			{orders.map((order) => (
				<tr>
					<td data-label="Order" class="id">
						<a href={orderPath(order)}>{order.orderId}</a>
					</td>
					<td data-label="Tenant">{order.tenant}</td>
					<td data-label="Status">
						<Status value={order.status} />
						{order.needsAttention && order.status !== "needs_attention" ? " and needs attention" : ""}
					</td>
					<td data-label="Step">{order.currentStep ?? ""}</td>
					<td data-label="Failure" class="wrap">
						{failure(order)}
					</td>
					<td data-label="Version">{order.workflowVersion}</td>
					<td data-label="Total">{money(order.totalCents, order.currency)}</td>
					<td data-label="Created">
						<Ago iso={order.createdAt} now={now} />
					</td>
					<td data-label="Updated">
						<Ago iso={order.updatedAt} now={now} />
					</td>
				</tr>
			))}
		</tbody>
	</table>
);

/** The order index, newest first, filtered and paged; each order links to its own page. */
export const ordersPage = new Hono<ConsoleEnv>().get("/orders", async (c) => {
	const { cursor: _, ...query } = c.req.query();
	const { filters, error } = parseFilters(OrderFilters, c.req.query());
	const { cursor, ...shown } = filters;
	const [{ orders, nextCursor }, counts] = await Promise.all([
		error ? { orders: [], nextCursor: null } : listOrders(c.env.DB, { ...shown, limit: PAGE_SIZE, after: cursor }),
		navCounts(c.env.DB),
	]);
	return c.html(
		<Layout title="Orders" nonce={c.get("nonce")} signedIn={c.get("session")} counts={counts} current="/ops/orders">
			<FilterForm values={query} />
			{error && <Notice kind="error">{error}</Notice>}
			<p class="muted">
				From the order index, which follows each order within seconds; an order's own page is the truth.
			</p>
			{shown.status === "needs_attention" && orders.length > 0 && <BulkPanel fields={filterFieldsOf(query)} />}
			{orders.length === 0 ? <p>No orders match.</p> : <OrderTable orders={orders} now={Date.now()} />}
			{nextCursor && (
				<p class="pager">
					<a href={nextPage("/ops/orders", query, nextCursor)} rel="next">
						Next page
					</a>
				</p>
			)}
		</Layout>,
		error ? 400 : 200,
	);
});
