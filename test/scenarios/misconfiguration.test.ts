import {
	createExecutionContext,
	createMessageBatch,
	createScheduledController,
	getQueueResult,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { Alert } from "../../src/ops/messages";
import { newOrderId, OPERATOR_KEY, orderBody } from "../helpers";

/** The Worker run with some settings changed, as a deploy with them would run it. */
async function fetchWith(changes: Record<string, string>, url: string, init: RequestInit = {}): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch?.(new Request(url, init) as never, { ...env, ...changes }, ctx);
	await waitOnExecutionContext(ctx);
	if (!response) throw new Error("no answer");
	return response;
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("a misconfiguration names the setting, wherever it bites", () => {
	it("a short CALLBACK_SECRET: the API answers 500 naming it, before an order's object is reached", async () => {
		const response = await fetchWith({ CALLBACK_SECRET: "short" }, "https://orders.test/orders", {
			method: "POST",
			headers: { Authorization: "Bearer test-client-key-0001", "Content-Type": "application/json" },
			body: JSON.stringify(orderBody(newOrderId("misconfigured"))),
		});
		expect(response.status).toBe(500);
		const problem = await response.json<{ type: string; detail: string }>();
		expect(problem.type).toBe("/problems/misconfigured");
		expect(problem.detail).toContain("CALLBACK_SECRET");
		expect(problem.detail).not.toContain("short,");
	});

	it("a bad key list: the console's sign-in page names it, not 'Something went wrong'", async () => {
		const response = await fetchWith(
			{ API_KEYS: "test-client-key-0001, acme:shop:tiny" },
			"https://orders.test/ops/sign-in",
			{
				method: "POST",
				headers: { Origin: "https://orders.test", "Content-Type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ key: OPERATOR_KEY }).toString(),
			},
		);
		expect(response.status).toBe(500);
		const html = await response.text();
		expect(html).toContain("API_KEYS: entry 2: the key is shorter than 16 characters");
		expect(html).not.toContain("Something went wrong");
	});

	it("an http:// ALERT_WEBHOOK_URL: queue consumers log what is wrong and retry, rather than fail each message", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const alert: Alert = {
			id: `misconfigured-${crypto.randomUUID()}`,
			kind: "reminder",
			tenant: "default",
			orderId: "o-1",
			workflowId: "o-1",
			step: "warehouse-picked",
			title: "Order o-1: still waiting",
			error: null,
			attempts: null,
			at: 0,
		};
		const batch = createMessageBatch("order-alerts", [{ id: "m1", timestamp: new Date(), attempts: 1, body: alert }]);
		const ctx = createExecutionContext();
		await worker.queue?.(batch, { ...env, ALERT_WEBHOOK_URL: "http://hooks.example.com/x" }, ctx);
		expect((await getQueueResult(batch, ctx)).retryBatch.retry).toBe(true);
		const logged = errors.mock.calls.map((call) => call.join(" ")).join("\n");
		expect(logged).toContain("ALERT_WEBHOOK_URL: must be https://");
		expect(logged).toContain("order-alerts");
	});

	it("the cron skips its sweep and says why", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const ctx = createExecutionContext();
		await worker.scheduled?.(
			createScheduledController({ cron: "* * * * *" }),
			{ ...env, STREAMS_PER_TENANT: "-1" } as Env,
			ctx,
		);
		expect(errors.mock.calls.map((call) => call.join(" ")).join("\n")).toContain("sweep skipped");
	});

	it("the local settings serve this machine only: deployed without --env, every request is refused", async () => {
		const deployedLocal = await fetchWith(
			{ ENVIRONMENT: "local" },
			"https://saga-edge.example.workers.dev/openapi.json",
		);
		expect(deployedLocal.status).toBe(500);
		expect(await deployedLocal.text()).toContain("deploy with --env staging or --env production");
		const onThisMachine = await fetchWith({ ENVIRONMENT: "local" }, "http://127.0.0.1:8787/openapi.json");
		expect(onThisMachine.status).toBe(200);
	});
});
