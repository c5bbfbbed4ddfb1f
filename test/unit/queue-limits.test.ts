import { describe, expect, it } from "vitest";
import { classify } from "../../src/engine/errors";
import { postJson } from "../../src/engine/http";
import type { Notification } from "../../src/engine/outbox";
import { alertFor, downstreamAlert, type IndexRow } from "../../src/ops/messages";
import { answerFor } from "../hostile-downstream";

/** A queue refuses a message over 128 KB (and a batch over 256 KB); the order's messages stay far below. */
const QUEUE_MESSAGE_BYTES = 128 * 1024;
const size = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)).byteLength;

/** What the journal keeps of the worst answer a downstream can give: a megabyte each of code and message. */
async function worstFailure() {
	const orderId = "o".repeat(64);
	const garbage = "\u0001<€😀".repeat(200_000);
	const restore = answerFor(orderId, "/charges", () =>
		Response.json({ code: garbage, message: garbage }, { status: 500 }),
	);
	try {
		const call = {
			idempotencyKey: `${orderId}:charge-payment`,
			attempt: 1,
			signal: AbortSignal.timeout(5_000),
			traceparent: "",
		};
		await postJson("https://sandbox.test/payments/charges", { orderId }, call, { parse: (x: unknown) => x } as never);
		throw new Error("the hostile downstream was not reached");
	} catch (error) {
		return classify(error);
	} finally {
		restore();
	}
}

describe("no message the project builds can exceed a queue's limit", () => {
	it("every message about an order, built from the worst downstream answer and the longest names", async () => {
		const failure = await worstFailure();
		expect(failure.code).toBe("http_500");
		const tenant = "t".repeat(32);
		const orderId = "o".repeat(64);
		const workflowId = `${tenant}/${orderId}`;
		const step = "schedule-shipping:undo";
		const episode = {
			id: `${workflowId}:99999`,
			failure: { step, code: failure.code, message: failure.message },
			attempts: 1_000_000,
			openedAt: Date.now(),
			closed: {
				at: Date.now(),
				action: "retry" as const,
				actor: `operator:${"k".repeat(64)}`,
				reason: "😀".repeat(250),
			},
		};
		const notifications: Notification[] = [
			{ kind: "needs_attention", id: episode.id, workflowId, at: 0, episode },
			{ kind: "attention_closed", id: episode.id, workflowId, at: 0, episode },
			{ kind: "step_stuck", id: episode.id, workflowId, at: 0, step, since: 0, attempts: 9, lastError: failure },
			{ kind: "reminder", id: episode.id, workflowId, at: 0, step, deadline: 0 },
		];
		const row: IndexRow = {
			tenant,
			orderId,
			workflowId,
			workflowVersion: 1_000_000,
			status: "needs_attention",
			currentStep: step,
			failureStep: step,
			failureCode: failure.code,
			needsAttention: true,
			totalCents: Number.MAX_SAFE_INTEGER,
			currency: "USD",
			createdAt: Date.now(),
			updatedAt: Date.now(),
			dueAt: Date.now(),
			openEpisode: episode.id,
			version: 1_000_000,
		};
		const messages = [
			row,
			...notifications.map((n) => ({ ...n, tenant, orderId })),
			...notifications.flatMap((n) => alertFor(n, { tenant, orderId }) ?? []),
			downstreamAlert(
				"payments",
				"payments",
				1,
				"downstream_opened",
				`paused: ${"😀".repeat(250)} (${episode.closed.actor})`,
				0,
			),
		];
		for (const message of messages) expect(size(message)).toBeLessThan(QUEUE_MESSAGE_BYTES / 4);
		// A hand-over sends an order's notifications as one batch: it fits a batch's 256 KB too.
		expect(size(messages)).toBeLessThan(2 * QUEUE_MESSAGE_BYTES);
	});
});
