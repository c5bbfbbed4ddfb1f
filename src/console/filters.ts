import { z } from "zod";
import { OrderIdPrefix } from "../api/operator";
import { WorkflowStatus } from "../engine/events";
import { decodeCursor } from "../ops/cursor";
import { DeadLetterStatus } from "../ops/dead-letters";
import { OrderId } from "../order/order";
import { Tenant } from "../order/tenant";

/** A form's empty field means "any": it is left out, not checked. */
const field = <T extends z.ZodType>(schema: T) =>
	z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/** Where a page starts: the position a Next link carries. */
const cursor = field(
	z
		.string()
		.max(500)
		.transform((value, ctx) => {
			const position = decodeCursor(value);
			if (position) return position;
			ctx.issues.push({ code: "custom", message: "is not a page this console linked to", input: value });
			return z.NEVER;
		}),
);

/** A time as a `datetime-local` field sends it (no zone: the console's times are UTC), as ms since the epoch. */
const utcTime = field(
	z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/, "is not a date and time")
		.transform((value) => Date.parse(`${value}Z`))
		.refine(Number.isFinite, "is not a date and time"),
);

/** Finding an order by its id: exactly, or by how it starts (the API's own rules). */
const orderIdFields = {
	orderId: field(z.string().trim().pipe(OrderId)),
	orderIdPrefix: field(z.string().trim().pipe(OrderIdPrefix)),
};

// Strict, as the API's lists are: a parameter the form does not send is refused, never ignored.

/** The orders page's filters, as its GET form sends them. */
export const OrderFilters = z.strictObject({
	...orderIdFields,
	status: field(WorkflowStatus),
	step: field(z.string().trim().max(100)),
	failureStep: field(z.string().trim().max(100)),
	failure: field(z.string().trim().max(100)),
	tenant: field(Tenant),
	workflowVersion: field(z.coerce.number().int().positive().max(1_000_000)),
	createdAfter: utcTime,
	createdBefore: utcTime,
	cursor,
});

/** The dead-letters page's filters: open ones unless asked otherwise. */
export const DeadLetterFilters = z.strictObject({
	...orderIdFields,
	status: z.preprocess((value) => (value === "" || value === undefined ? "open" : value), DeadLetterStatus),
	tenant: field(Tenant),
	cursor,
});
export type DeadLetterFilters = z.infer<typeof DeadLetterFilters>;

const LABELS: Record<string, string> = {
	orderId: "Order id",
	orderIdPrefix: "Id starts with",
	status: "Status",
	step: "Step",
	failureStep: "Failed at",
	failure: "Failure",
	createdAfter: "Placed from",
	createdBefore: "Placed before",
	tenant: "Tenant",
	workflowVersion: "Workflow version",
	cursor: "Page",
};

/** A filter form's errors, one sentence each, naming the field as its label does. */
export const filterErrors = (error: z.ZodError) =>
	error.issues.map((issue) => `${LABELS[String(issue.path[0])] ?? "A filter"}: ${issue.message}`).join(" ");

/** Parses a list page's query; on failure, the empty filter and the reason to show. */
export function parseFilters<T extends z.ZodType>(schema: T, query: Record<string, string>) {
	const parsed = schema.safeParse(query);
	if (parsed.success) return { filters: parsed.data as z.infer<T>, error: undefined };
	return { filters: schema.parse({}) as z.infer<T>, error: filterErrors(parsed.error) };
}
