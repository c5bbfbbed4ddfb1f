import { z } from "zod";
import { metered, type Usage } from "../engine/usage";
import { Order, ShippingAddress } from "./order";

/** What status and history show of personal data once its retention has passed. */
export const ERASED = "[erased]";

/** The fields kept apart from the journal, as the erasure's journal entry names them. */
export const PERSONAL_FIELDS = ["customer.email", "shippingAddress"];

/** An order as the journal keeps it: without the customer's email and address, which are kept apart. */
export const JournaledOrder = z
	.object(Order.shape)
	.omit({ shippingAddress: true })
	.extend({ customer: z.object({ id: Order.shape.customer.shape.id }) });
export type JournaledOrder = z.infer<typeof JournaledOrder>;

const Personal = z.object({ email: z.string(), shippingAddress: ShippingAddress });
type Personal = z.infer<typeof Personal>;

/** An order as a reader sees it: personal data present, or `"[erased]"` in its place. */
export type OrderView = Omit<Order, "customer" | "shippingAddress"> & {
	customer: { id: string; email: string };
	shippingAddress: Order["shippingAddress"] | typeof ERASED;
};

/** SHA-256 of a value's JSON, parsed by `schema` first so that its keys come in one order. */
async function digestOf(schema: z.ZodType, value: unknown): Promise<string> {
	const bytes = new TextEncoder().encode(JSON.stringify(schema.parse(value)));
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The whole order's digest: a placement is compared by it while its personal data is kept. */
export const orderDigest = (order: Order) => digestOf(Order, order);

/** Splits an order into what the journal keeps and what is kept apart. */
export function split(order: Order): { journaled: JournaledOrder; personal: Personal } {
	const { shippingAddress, customer, ...rest } = order;
	return {
		journaled: { ...rest, customer: { id: customer.id } },
		personal: { email: customer.email, shippingAddress },
	};
}

/** What stands in a downstream's text where it repeated the customer's personal data. */
export const REDACTED = "[personal data]";
/** Shorter pieces (a two-letter city?) would match too much of an ordinary message to be worth it. */
const MIN_REDACTED = 3;

/** A pattern that finds `text` in any case, its runs of whitespace matching any run. */
const caseless = (text: string) =>
	new RegExp(
		text
			.trim()
			.split(/\s+/)
			.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
			.join("\\s+"),
		"gi",
	);

/** The key of the customer's personal data in the object's key-value storage. */
const KEY = "personal-data";

/** `digest` is the whole order's; erasing drops it with the data, since a digest of them would confirm a guess. */
const Row = z.object({ digest: z.string().nullable(), data: Personal.nullable() });
type Row = z.infer<typeof Row>;

/**
 * A customer's email and shipping address, once per order, apart from the journal: one entry of the
 * object's key-value storage (one row written, where a table of its own cost three), with the order's
 * digest, which outlives them. Erasing writes the entry again without them; the journal never held them.
 */
export class PersonalData {
	/** The entry, read once: undefined until read, null when the order has none (never placed, or placed before). */
	private row: Row | null | undefined;
	/** The last whole order and what it was made of (status reads ask for it again and again). */
	private whole?: { journaled: unknown; row: Row | null; order: Order };

	constructor(
		private readonly kv: SyncKvStorage,
		/** Where orders placed by the release before kept it: a table `personal_data`, read and erased there too. */
		private readonly sql: SqlStorage,
		/** The order's usage: each entry written or read is billed as a row, like the journal's. */
		private readonly usage: Usage,
	) {}

	private load(): Row | null {
		if (this.row !== undefined) return this.row;
		const stored = this.kv.get(KEY);
		this.usage.rowsRead++;
		this.row = stored === undefined ? this.legacy() : Row.parse(stored);
		return this.row;
	}

	private legacy(): Row | null {
		const exists = metered(this.usage, this.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'personal_data'"));
		if (exists.length === 0) return null;
		const [row] = metered(
			this.usage,
			this.sql.exec<{ digest: string; data: string | null }>("SELECT digest, data FROM personal_data"),
		);
		return row ? { digest: row.digest, data: row.data === null ? null : Personal.parse(JSON.parse(row.data)) } : null;
	}

	private write(row: Row): void {
		this.kv.put(KEY, row);
		this.usage.rowsWritten++;
		this.row = row;
	}

	/** Written just before the journal's first entry; a placement that did not get that far writes it again. */
	keep(personal: Personal, digest: string): void {
		this.write({ digest, data: personal });
	}

	/**
	 * Whether `order` is the order placed (as journaled, `journaled`): the whole of it while its personal
	 * data is kept; once erased, only what the journal holds, so that no answer tells a right guess of the
	 * erased email or address from a wrong one.
	 */
	async samePlacement(order: Order, journaled: unknown): Promise<boolean> {
		const row = this.load();
		if (row && row.data === null)
			return (await digestOf(JournaledOrder, split(order).journaled)) === (await digestOf(JournaledOrder, journaled));
		return (row?.digest ?? (await orderDigest(this.order(journaled)))) === (await orderDigest(order));
	}

	/**
	 * Names what it erased: nothing for an order whose journal holds its personal data (placed before
	 * it was kept apart). Runs inside the erasure's transaction: what it read is read again afterwards,
	 * so a rolled-back erasure is not taken for a done one.
	 */
	erase(): string[] {
		const row = this.load();
		if (!row?.data) return [];
		this.write({ digest: null, data: null });
		if (metered(this.usage, this.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'personal_data'")).length > 0)
			metered(this.usage, this.sql.exec("UPDATE personal_data SET data = NULL"));
		this.row = undefined;
		return PERSONAL_FIELDS;
	}

	/**
	 * The text with every piece of the customer's email and address in it replaced, whatever its case: a
	 * downstream's refusal often repeats what it was sent ("mailbox ada@example.com does not exist"), and
	 * what the journal keeps must not hold what erasure has to remove.
	 */
	redact(text: string): string {
		const data = this.load()?.data;
		if (!data) return text;
		const { name, line1, line2, city, postalCode } = data.shippingAddress;
		const pieces = [data.email, name, line1, line2, city, postalCode]
			.filter((piece): piece is string => piece !== undefined && piece.trim().length >= MIN_REDACTED)
			.sort((a, b) => b.length - a.length);
		let redacted = text;
		for (const piece of pieces) redacted = redacted.replace(caseless(piece), REDACTED);
		return redacted;
	}

	/** The whole order, for the workflow to run with; parsed again only when its parts change. */
	order(journaled: unknown): Order {
		const row = this.load();
		const cached = this.whole;
		if (cached && cached.journaled === journaled && cached.row === row) return cached.order;
		const order = this.assemble(journaled, row?.data);
		this.whole = { journaled, row, order };
		return order;
	}

	private assemble(journaled: unknown, personal: Personal | null | undefined): Order {
		if (!personal) return Order.parse(journaled);
		const { customer, ...rest } = JournaledOrder.parse(journaled);
		return Order.parse({
			...rest,
			customer: { ...customer, email: personal.email },
			shippingAddress: personal.shippingAddress,
		});
	}

	/** The order as readers see it: personal data, or `"[erased]"` where it was erased. */
	view(journaled: unknown): OrderView {
		const row = this.load();
		if (!row || row.data) return this.order(journaled);
		const { customer, ...rest } = JournaledOrder.parse(journaled);
		return { ...rest, customer: { id: customer.id, email: ERASED }, shippingAddress: ERASED };
	}
}
