import fc from "fast-check";

/** The pieces generated requests are made of: ids, tokens, field values, headers and queries at and past every limit. */

/**
 * An order id, resolved at run time: a fresh id (never used before, so "nothing stored" is
 * checkable), one of the waiting fixture orders, or a raw string that is not a valid id.
 */
export type IdRef = { kind: "fresh" } | { kind: "fixture"; n: number } | { kind: "raw"; value: string };

export type TokenRef =
	| { kind: "garbage"; value: string }
	/** A fixture's real token with one character changed: a forgery. */
	| { kind: "tampered"; at: number }
	/** Validly signed, but for another event, or for another order, or for an order that does not exist. */
	| { kind: "other-event" }
	| { kind: "foreign" }
	| { kind: "unknown-order" };

export type Mutation =
	| { op: "delete"; path: string[] }
	| { op: "set"; path: string[]; value: unknown }
	| { op: "text"; how: "truncate" | "append" | "bom" | "proto" | "duplicate-key"; at: number; extra: string };

export const FIXTURES = 3;

/** Strings that are not order ids: empty, too long, bad characters, bad percent-encoding, unicode. */
const badId = fc.oneof(
	fc.constantFrom("", " ", "-starts-with-dash", "_x", "a".repeat(65), "a b", "a/b", "..", ".", "%", "%zz", "%E0%A4%A"),
	fc.constantFrom("%00", "x%0Ay", "ordér", "注文", "a?b", "a#b", "a;b", "x".repeat(3000), "null", "undefined"),
	fc.string({ unit: "binary", minLength: 1, maxLength: 80 }),
);

export const idRef: fc.Arbitrary<IdRef> = fc.oneof(
	{ weight: 6, arbitrary: fc.constant({ kind: "fresh" } as const) },
	{ weight: 3, arbitrary: fc.nat(FIXTURES - 1).map((n) => ({ kind: "fixture", n }) as const) },
	{ weight: 3, arbitrary: badId.map((value) => ({ kind: "raw", value }) as const) },
);

/** Values at and beyond every limit the schemas have, and values of every wrong type. */
const edgeValue = fc.oneof(
	fc.constantFrom(0, -1, 1, 1000, 1001, 100_000_000, 100_000_001, 0.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
	fc.constantFrom(
		"",
		" ",
		"usd",
		"USDD",
		"GBR",
		"gb",
		"a@b",
		"not-an-email",
		"x".repeat(201),
		"x".repeat(501),
		"\u0000",
	),
	fc.constantFrom(null, true, false, [], {}, [{}], { sku: "A", quantity: 1, unitPriceCents: 1 }),
	fc.constantFrom("2026-13-45T99:99:99Z", "yesterday", "2026-11-26T10:00:00+01:00", "2026-11-26T10:00:00Z"),
	fc.array(fc.constant({ sku: "A", quantity: 1, unitPriceCents: 1 }), { minLength: 99, maxLength: 102 }),
	fc.jsonValue({ maxDepth: 3 }),
	fc.string({ unit: "grapheme", maxLength: 40 }),
);

export const ORDER_PATHS = [
	["orderId"],
	["customer"],
	["customer", "id"],
	["customer", "email"],
	["items"],
	["items", "0"],
	["items", "0", "sku"],
	["items", "0", "quantity"],
	["items", "0", "unitPriceCents"],
	["items", "1"],
	["currency"],
	["paymentMethod"],
	["shippingAddress"],
	["shippingAddress", "line2"],
	["shippingAddress", "country"],
	["shippingAddress", "postalCode"],
	["coupon"],
	["__proto__"],
	["constructor"],
];
export const PICK_PATHS = [["token"], ["pickedBy"], ["pickedAt"], ["extra"], ["__proto__"]];
export const REASON_PATHS = [["reason"], ["extra"], ["__proto__"]];

export const mutation = (paths: string[][]): fc.Arbitrary<Mutation> =>
	fc.oneof(
		fc.constantFrom(...paths).map((path) => ({ op: "delete", path }) as const),
		fc.record({ op: fc.constant("set" as const), path: fc.constantFrom(...paths), value: edgeValue }),
		fc.record({
			op: fc.constant("text" as const),
			how: fc.constantFrom("truncate", "append", "bom", "proto", "duplicate-key"),
			at: fc.nat(400),
			extra: fc.string({ unit: "binary-ascii", maxLength: 8 }),
		}),
	);

export const tokenRef: fc.Arbitrary<TokenRef> = fc.oneof(
	fc
		.oneof(fc.constantFrom("", "v1", "v1..", "v1.e30.", "v2.a.b", "v1.%%%.%%%"), fc.string({ maxLength: 120 }))
		.map((value) => ({ kind: "garbage", value }) as const),
	fc.nat(200).map((at) => ({ kind: "tampered", at }) as const),
	fc.constantFrom({ kind: "other-event" } as const, { kind: "foreign" } as const, { kind: "unknown-order" } as const),
);

/** Client keys, operator keys (bare and as "name:key"), and everything that is not a key. */
export const auth = fc.oneof(
	{
		weight: 8,
		arbitrary: fc.constantFrom(
			"Bearer test-client-key-0001",
			"Bearer test-client-key-0002",
			"Bearer test-acme-key-00001",
			"Bearer test-operator-key-01",
			"Bearer test-operator-key-02",
			// Flooded to its rate limit before the fuzz starts: many of its requests get 429.
			"Bearer test-burst-key-fuzz1",
		),
	},
	{
		weight: 3,
		arbitrary: fc.constantFrom(
			null,
			"",
			"Bearer",
			"Bearer ",
			"bearer test-client-key-0001",
			"Bearer  test-operator-key-02  ",
			"Basic dGVzdA==",
		),
	},
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			"Bearer wrong-key",
			"Bearer test-client-key-0001, test-client-key-0002",
			"Bearer alice:test-operator-key-01",
		),
	},
	{ weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 60 }) },
);

export const contentType = fc.oneof(
	{ weight: 8, arbitrary: fc.constant("application/json") },
	{
		weight: 4,
		arbitrary: fc.constantFrom(
			null,
			"",
			"application/json; charset=utf-8",
			"APPLICATION/JSON",
			"application/problem+json",
			"application/jsonx",
			"text/plain",
			"application/x-www-form-urlencoded",
			"multipart/form-data; boundary=x",
			"application/json; charset=latin1",
		),
	},
	{ weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 40 }) },
);

export const extraHeaders = fc.dictionary(
	fc.constantFrom(
		"Accept",
		"Idempotency-Key",
		"X-Forwarded-For",
		"Origin",
		"Cookie",
		"If-None-Match",
		"Content-Encoding",
		"X-HTTP-Method-Override",
		"Accept-Encoding",
	),
	fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
	{ maxKeys: 3 },
);

/** Query strings for the list endpoints and the actions' dryRun, with values past every limit. */
export const query = fc
	.array(
		fc.tuple(
			fc.constantFrom(
				"status",
				"step",
				"failure",
				"orderId",
				"limit",
				"cursor",
				"createdBefore",
				"dryRun",
				"tenant",
				"x",
			),
			fc.oneof(
				fc.constantFrom("default", "acme", "ACME", "no-such-tenant", "acme/x"),
				fc.constantFrom("", "open", "closed", "needs_attention", "waiting", "true", "false", "maybe", "0", "1", "-1"),
				fc.constantFrom("101", "1e3", "abc", "%zz", "2026-11-26T10:00:00Z", "eyJ4IjoxfQ", "x".repeat(300)),
				fc.string({ unit: "grapheme-ascii", maxLength: 20 }),
			),
		),
		{ maxLength: 3 },
	)
	.map((pairs) =>
		pairs.length === 0 ? "" : `?${pairs.map(([k, val]) => `${k}=${encodeURIComponent(val)}`).join("&")}`,
	);
