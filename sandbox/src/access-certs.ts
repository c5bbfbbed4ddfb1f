import { Hono } from "hono";
import { z } from "zod";
import type { SandboxEnv } from "./ledger";

/** A public signing key as Cloudflare Access publishes it (RSA, RS256), by its key id. */
const PublicJwk = z.looseObject({
	kid: z.string().min(1).max(200),
	kty: z.literal("RSA"),
	n: z.string(),
	e: z.string(),
});

/**
 * A stand-in for a Cloudflare Access team's key set, at the path Access serves it
 * (`<team domain>/cdn-cgi/access/certs`): tests put the public half of a key they sign tokens with,
 * and the orchestrator fetches it on loopback, as it would from Access. Kept in memory: a restarted
 * sandbox forgets the keys, and a test puts its own again.
 */
const keys = new Map<string, z.infer<typeof PublicJwk>>();

export const accessCerts = new Hono<{ Bindings: SandboxEnv }>()
	.get("/certs", (c) => c.json({ keys: [...keys.values()] }))
	.put("/certs", async (c) => {
		const parsed = PublicJwk.safeParse(await c.req.json().catch(() => null));
		if (!parsed.success) return c.json({ code: "invalid_key" }, 422);
		keys.set(parsed.data.kid, parsed.data);
		return c.json({ keys: keys.size }, 201);
	});
