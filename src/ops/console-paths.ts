import type { OrderRef } from "../order/tenant";

/**
 * Where the operations console shows things, for whatever links to it: its own pages, and alerts, whose
 * links a person opens in a browser (the API would answer 401 there: a browser sends no key).
 */
export const CONSOLE_PATHS = {
	/** The overview: counts and the last 24 hours. Where signing in leads. */
	home: "/ops",
	/** One order's page; the tenant is part of its identity, so it is part of the path. */
	order: (ref: OrderRef) => `/ops/orders/${encodeURIComponent(ref.tenant)}/${encodeURIComponent(ref.orderId)}`,
	downstreams: "/ops/downstreams",
	/** The signed-in key's sessions, and "sign out every session of this key". */
	sessions: "/ops/sessions",
} as const;
