import { Hono } from "hono";
import { z } from "zod";
import { requireSandboxKey } from "./access";
import { accessCerts } from "./access-certs";
import type { SandboxEnv } from "./ledger";
import { type Decision, FaultRule, type Operation, VerifiedService } from "./schemas";
import { warehouse } from "./warehouse";

export { SandboxLedger } from "./ledger";

type Ctx = { Bindings: SandboxEnv };
type Context = { req: { raw: Request }; env: SandboxEnv; executionCtx: { waitUntil(promise: Promise<unknown>): void } };

const ledger = (env: SandboxEnv) => env.LEDGER.get(env.LEDGER.idFromName("sandbox"));

const app = new Hono<Ctx>();
app.use(requireSandboxKey);

async function readJson(request: Request): Promise<unknown> {
	const text = await request.text();
	if (text === "") return {};
	try {
		return JSON.parse(text);
	} catch {
		return Symbol.for("malformed");
	}
}

/** Hands one downstream request to the ledger object, then answers as it decided. */
async function perform(c: Context, operation: Operation, targetId?: string) {
	const body = await readJson(c.req.raw);
	if (typeof body === "symbol") return Response.json({ code: "malformed_json" }, { status: 400 });
	const idempotencyKey = c.req.raw.headers.get("Idempotency-Key");
	if (!idempotencyKey) return Response.json({ code: "idempotency_key_required" }, { status: 400 });
	const request = {
		operation,
		idempotencyKey,
		// What a fence compares (see fences.ts); a caller that does not send it is taken as its first attempt.
		attempt: whole(c.req.raw.headers.get("Idempotency-Attempt")),
		traceparent: c.req.raw.headers.get("traceparent"),
		body,
		targetId,
		hangMs: hangMsOf(c.env),
	};
	return respond(c, (late) => ledger(c.env).perform({ ...request, late }));
}

/**
 * The verify contract (see the README): `POST /<service>/verifications` with the `Idempotency-Key`
 * asked about and `Idempotency-Fence`, the caller's last attempt under it; body `{ orderId? }`.
 */
async function verify(c: Context, service: VerifiedService) {
	const body = await readJson(c.req.raw);
	const idempotencyKey = c.req.raw.headers.get("Idempotency-Key");
	if (!idempotencyKey) return Response.json({ code: "idempotency_key_required" }, { status: 400 });
	const orderId = typeof body === "object" && body && "orderId" in body ? String(body.orderId) : null;
	const request = {
		service,
		idempotencyKey,
		fence: whole(c.req.raw.headers.get("Idempotency-Fence")),
		orderId,
		traceparent: c.req.raw.headers.get("traceparent"),
		hangMs: hangMsOf(c.env),
	};
	return respond(c, (late) => ledger(c.env).verify({ ...request, late }));
}

const whole = (header: string | null) => (header !== null && /^\d{1,9}$/.test(header) ? Number(header) : 0);
const hangMsOf = (env: SandboxEnv) => Number(env.SANDBOX_HANG_MS ?? 60_000);

/**
 * Answers as the ledger decided, holding the answer for hang faults. A request an `arrive_late` fault
 * holds back reaches the ledger later, even if its caller has gone: it was already on its way.
 */
async function respond(c: Context, decide: (late: boolean) => Promise<Decision>): Promise<Response> {
	let decision = await decide(false);
	if (decision.arrivesInMs !== undefined) {
		const arrival = scheduler.wait(decision.arrivesInMs).then(() => decide(true));
		c.executionCtx.waitUntil(arrival);
		decision = await arrival;
	}
	if (decision.delayMs) await scheduler.wait(decision.delayMs);
	if (decision.spoil === "garbage")
		return new Response("<html><body>upstream hiccup</body></html>", {
			status: decision.status,
			headers: { "Content-Type": "text/html" },
		});
	if (decision.spoil === "reset") return cutOff(decision);
	return Response.json(decision.body, { status: decision.status, headers: decision.headers });
}

/** The answer's start, then the stream fails: what a client sees when the connection is reset mid-answer. */
function cutOff(decision: Decision): Response {
	const text = JSON.stringify(decision.body);
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(new TextEncoder().encode(text.slice(0, Math.ceil(text.length / 2))));
			controller.error(new Error("connection reset by peer"));
		},
	});
	return new Response(body, { status: decision.status, headers: { "Content-Type": "application/json" } });
}

app.post("/payments/charges", (c) => perform(c, "charge"));
app.post("/payments/refunds", (c) => perform(c, "refund"));
app.post("/inventory/reservations", (c) => perform(c, "reserve"));
app.post("/inventory/reservations/:id/release", (c) => perform(c, "release", c.req.param("id")));
app.post("/shipping/shipments", (c) => perform(c, "ship"));
app.post("/shipping/shipments/:id/cancel", (c) => perform(c, "cancel", c.req.param("id")));
app.post("/email/messages", (c) => perform(c, "send"));
// The alert sink: stands in for a Slack incoming webhook, so alerts show in the ledger.
app.post("/alerts", (c) => perform(c, "alert"));
// The same, for webhook clients that cannot send headers: the key is the URL's last segment, as in Slack's.
app.post("/alerts/:key", (c) => perform(c, "alert"));

app.route("/shipping", warehouse);
app.route("/cdn-cgi/access", accessCerts);
for (const service of VerifiedService.options) app.post(`/${service}/verifications`, (c) => verify(c, service));

app.get("/ledger", async (c) => c.json(await ledger(c.env).ledger(c.req.query("orderId"))));
// What was sent under each of a workflow's keys, as the idempotency layer fingerprinted it.
app.get("/idempotency", async (c) => c.json(await ledger(c.env).bodies(c.req.query("workflowId") ?? "")));

app.post("/faults", async (c) => {
	const rule = FaultRule.safeParse(await readJson(c.req.raw));
	if (!rule.success) return c.json({ code: "invalid_fault", issues: z.treeifyError(rule.error) }, 400);
	return c.json({ id: await ledger(c.env).addFault(rule.data) }, 201);
});
// ?orderId= clears that order's rules only (an outage that ends); without it, every rule.
app.delete("/faults", async (c) => {
	await ledger(c.env).clearFaults(c.req.query("orderId"));
	return c.body(null, 204);
});

app.notFound((c) => c.json({ code: "not_found" }, 404));
// A key in the alert webhook's path that is not valid percent-encoding (`/alerts/%ZZ`) cannot be the
// key: the same 401 as a wrong one, never a 500. Anything else is a bug, answered 500 and logged.
app.onError((error, c) => {
	if (error instanceof URIError)
		return c.json({ code: "sandbox_key_required" }, 401, { "WWW-Authenticate": 'Bearer realm="sandbox"' });
	console.error(`sandbox: ${c.req.method} ${c.req.path} failed`, error);
	return c.json({ code: "internal_error" }, 500);
});

export default app;
