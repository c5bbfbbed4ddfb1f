import fc from "fast-check";
import {
	auth,
	contentType,
	extraHeaders,
	type IdRef,
	idRef,
	type Mutation,
	mutation,
	ORDER_PATHS,
	PICK_PATHS,
	query,
	REASON_PATHS,
	type TokenRef,
	tokenRef,
} from "./api-values";

export { FIXTURES } from "./api-values";

/**
 * Generated requests against the HTTP API, as data: fast-check shrinks and prints them, and
 * api-request.ts turns them into real requests.
 */
export type Body =
	| { kind: "none" }
	| { kind: "order"; mutations: Mutation[] }
	| { kind: "pick"; token: TokenRef; mutations: Mutation[] }
	| { kind: "action"; mutations: Mutation[] }
	| { kind: "json"; value: unknown }
	| { kind: "text"; value: string }
	| { kind: "huge"; bytes: number }
	/** An order's JSON, padded to `bytes`, sent as a stream of `chunk`-byte pieces with no Content-Length. */
	| { kind: "chunked"; bytes: number; chunk: number };

export type Route =
	| "orders"
	| "order"
	| "history"
	| "pick"
	| "cannot-pick"
	| "event"
	| "cancel"
	| "retry"
	| "resolve"
	| "dead-letters"
	| "openapi"
	| "other";

export interface FuzzRequest {
	method: string;
	route: Route;
	id: IdRef;
	/** Path noise or a query after the route: a trailing slash, `?limit=-1`, an extra segment. */
	suffix: string;
	auth: string | null;
	contentType: string | null;
	headers: Record<string, string>;
	body: Body;
}

const suffix = fc.oneof(
	{ weight: 6, arbitrary: fc.constant("") },
	{ weight: 3, arbitrary: query },
	{ weight: 1, arbitrary: fc.constantFrom("/", "//", "/extra", "#frag") },
);

const orderBody = fc
	.array(mutation(ORDER_PATHS), { maxLength: 3 })
	.map((mutations) => ({ kind: "order", mutations }) as const);
const pickBody = fc.record({
	kind: fc.constant("pick" as const),
	token: tokenRef,
	mutations: fc.array(mutation(PICK_PATHS), { maxLength: 2 }),
});
const actionBody = fc
	.array(mutation(REASON_PATHS), { maxLength: 2 })
	.map((mutations) => ({ kind: "action", mutations }) as const);

const chunkedBody = fc.record({
	kind: fc.constant("chunked" as const),
	bytes: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 60_000, max: 1_000_000 })),
	chunk: fc.constantFrom(1, 7, 1024, 16_384, 65_537),
});

const anyBody: fc.Arbitrary<Body> = fc.oneof(
	{ weight: 3, arbitrary: orderBody },
	{ weight: 2, arbitrary: pickBody },
	{ weight: 1, arbitrary: actionBody },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: "json", value }) as const) },
	{
		weight: 1,
		arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((value) => ({ kind: "text", value }) as const),
	},
	{ weight: 1, arbitrary: fc.constant({ kind: "none" } as const) },
	{ weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((bytes) => ({ kind: "huge", bytes }) as const) },
	{ weight: 1, arbitrary: chunkedBody },
);

const ROUTES: Route[] = [
	"orders",
	"order",
	"history",
	"pick",
	"event",
	"cancel",
	"retry",
	"resolve",
	"dead-letters",
	"openapi",
	"other",
	"cannot-pick",
];

/** Anything at all: any method on any route with any body. Mostly 404, 405, 401 and 415. */
const anyRequest: fc.Arbitrary<FuzzRequest> = fc.record({
	method: fc.constantFrom("POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
	route: fc.constantFrom(...ROUTES),
	id: idRef,
	suffix,
	auth,
	contentType,
	headers: extraHeaders,
	body: anyBody,
});

const none = fc.constant({ kind: "none" } as const);

/** The right method on the right route with the right kind of body, mutated: these get past routing into validation. */
const routedRequest: fc.Arbitrary<FuzzRequest> = fc
	.oneof(
		{
			weight: 4,
			arbitrary: fc.record({ method: fc.constant("POST"), route: fc.constant<Route>("orders"), body: orderBody }),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				method: fc.constant("POST"),
				route: fc.constantFrom<Route>("orders", "pick", "cancel", "cannot-pick"),
				body: chunkedBody,
			}),
		},
		{
			weight: 3,
			arbitrary: fc.record({
				method: fc.constant("POST"),
				// A pick's body to the cannot-pick route, too: its own schema refuses it, its token another event's.
				route: fc.constantFrom<Route>("pick", "cannot-pick"),
				body: pickBody,
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				method: fc.constant("POST"),
				route: fc.constantFrom<Route>("cancel", "retry", "resolve"),
				body: actionBody,
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				method: fc.constantFrom("GET", "HEAD"),
				route: fc.constantFrom<Route>("order", "history", "orders", "dead-letters"),
				body: none,
			}),
		},
	)
	.chain((shape) =>
		fc.record({ id: idRef, suffix, auth, contentType, headers: extraHeaders }).map((rest) => ({ ...rest, ...shape })),
	);

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
	{ weight: 3, arbitrary: routedRequest },
	{ weight: 1, arbitrary: anyRequest },
);
