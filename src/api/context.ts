/** Who is calling: a client or an operator, and the id of their key (never the key itself). */
export interface Caller {
	role: "client" | "operator";
	keyId: string;
}

/** Hono's environment for every route: the Worker's bindings (from `wrangler types`) and the caller. */
export type AppEnv = { Bindings: Env; Variables: { caller: Caller } };
