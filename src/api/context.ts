/** Hono's environment for every route: the Worker's bindings, as `wrangler types` generates them. */
export type AppEnv = { Bindings: Env };
