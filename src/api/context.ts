/** Who is calling: a client of one tenant, or an operator of every tenant, and the name of their key (never the key). */
export interface Caller {
	role: "client" | "operator";
	/** A client's tenant; null for an operator. */
	tenant: string | null;
	keyId: string;
}

/** Hono's environment for every route: the Worker's bindings (from `wrangler types`) and the caller. */
export type AppEnv = { Bindings: Env; Variables: { caller: Caller; requestId: string } };
