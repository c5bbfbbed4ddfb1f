import { Hono } from "hono";
import { WorkflowStatus } from "../engine/events";
import { type IndexedOrder, listOrders } from "../ops/order-index";
import { BulkPanel, filterFieldsOf } from "./bulk-panel";
import { OrderFilters, parseFilters } from "./filters";
import { money, nextPage, orderPath, Status, When } from "./format";
import type { ConsoleEnv } from "./guard";
import { Layout, Notice } from "./layout";

/** Rows per page. */
const PAGE_SIZE = 50;

/** The filter form, showing what was asked for as it was typed (even when it was not valid). */
const FilterForm = ({ values }: { values: Record<string, string> }) => (
	<form method="get" action="/ops/orders" class="filters" aria-label="Filter orders">
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
		<label>
			Step
			<input name="step" value={values.step ?? ""} placeholder="e.g. reserve-inventory" />
		</label>
		<label>
			Failure
			<input name="failure" value={values.failure ?? ""} placeholder="e.g. out_of_stock" />
		</label>
		<label>
			Tenant
			<input name="tenant" value={values.tenant ?? ""} placeholder="e.g. default" />
		</label>
		<label>
			Workflow version
			<input name="workflowVersion" type="number" min="1" value={values.workflowVersion ?? ""} />
		</label>
		<button type="submit" class="primary">
			Filter
		</button>
		<a href="/ops/orders">Clear</a>
	</form>
);

const OrderTable = ({ orders }: { orders: IndexedOrder[] }) => (
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
					<td>
						<a href={orderPath(order)}>{order.orderId}</a>
					</td>
					<td>{order.tenant}</td>
					<td>
						<Status value={order.status} />
						{order.needsAttention && order.status !== "needs_attention" ? " and needs attention" : ""}
					</td>
					<td>{order.currentStep ?? ""}</td>
					<td>{order.failureCode ?? ""}</td>
					<td>{order.workflowVersion}</td>
					<td>{money(order.totalCents, order.currency)}</td>
					<td>
						<When iso={order.createdAt} />
					</td>
					<td>
						<When iso={order.updatedAt} />
					</td>
				</tr>
			))}
		</tbody>
	</table>
);

/** The order index, newest first, filtered and paged; each order links to its own page. */
export const ordersPage = new Hono<ConsoleEnv>().get("/orders", async (c) => {
	const query = c.req.query();
	const { filters, error } = parseFilters(OrderFilters, query);
	const { cursor, ...shown } = filters;
	const { orders, nextCursor } = error
		? { orders: [], nextCursor: null }
		: await listOrders(c.env.DB, { ...shown, limit: PAGE_SIZE, after: cursor });
	const session = c.get("session");
	return c.html(
		<Layout title="Orders" nonce={c.get("nonce")} signedIn={session} current="/ops/orders">
			<FilterForm values={query} />
			{error && <Notice kind="error">{error}</Notice>}
			<p class="muted">
				From the order index, which follows each order within seconds; an order's own page is the truth.
			</p>
			{shown.status === "needs_attention" && orders.length > 0 && <BulkPanel fields={filterFieldsOf(query)} />}
			{orders.length === 0 ? <p>No orders match.</p> : <OrderTable orders={orders} />}
			{nextCursor && (
				<p class="pager">
					<a href={nextPage("/ops/orders", shown, nextCursor)} rel="next">
						Next page
					</a>
				</p>
			)}
		</Layout>,
		error ? 400 : 200,
	);
});
