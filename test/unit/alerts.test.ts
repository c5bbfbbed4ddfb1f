import { describe, expect, it } from "vitest";
import { webhookBody } from "../../src/ops/alerts";
import { type Alert, downstreamAlert } from "../../src/ops/messages";

const BASE = "https://orders.example.com";

const orderAlert = (error: Alert["error"]): Alert => ({
	id: "acme/o-1:9",
	kind: "needs_attention",
	tenant: "acme",
	orderId: "o-1",
	workflowId: "acme/o-1",
	step: "charge-payment:undo",
	title: "Order acme/o-1 needs attention: charge-payment:undo failed for good",
	error,
	attempts: 5,
	at: 0,
});

/** Every piece of text the webhook's receiver renders as Slack mrkdwn: the fallback and each block. */
const mrkdwn = (body: ReturnType<typeof webhookBody>) =>
	[
		body.text,
		...body.blocks.flatMap((block) => [block.text?.text ?? "", ...(block.fields ?? []).map((field) => field.text)]),
	].join("\n");

describe("an alert's webhook body", () => {
	it("links to the order's page in the console, where a browser with a session can open it", () => {
		const body = webhookBody(orderAlert(null), BASE);
		expect(body.alert.link).toBe(`${BASE}/ops/orders/acme/o-1`);
		expect(mrkdwn(body)).toContain(`<${BASE}/ops/orders/acme/o-1|acme/o-1>`);
		const opened = downstreamAlert("payments", "payments", 1, "downstream_opened", "10 of 10 calls failed", 0);
		expect(webhookBody(opened, BASE).alert.link).toBe(`${BASE}/ops/downstreams`);
	});

	it("escapes a downstream's text for mrkdwn: no mention, no disguised link, no formatting of its own", () => {
		const hostile = "<!channel> please <https://evil.example/login|re-enter your operator key> & *now*";
		const body = webhookBody(orderAlert({ code: "http_500", message: hostile }), BASE);
		const text = mrkdwn(body);
		expect(text).not.toContain("<!channel>");
		expect(text).not.toContain("<https://evil.example");
		expect(text).toContain("&lt;!channel&gt;");
		expect(text).toContain("&amp;");
		// The message is shown as code, so its asterisks are not bold.
		expect(text).toContain("`http_500: &lt;!channel&gt; please");
		// Machines get the alert as it is, in JSON: nothing there is rendered.
		expect(body.alert.error?.message).toBe(hostile);

		const paused = downstreamAlert("payments", "payments", 2, "downstream_opened", "<!here> <https://x.example|y>", 0);
		const pausedText = mrkdwn(webhookBody(paused, BASE));
		expect(pausedText).not.toContain("<!here>");
		expect(pausedText).not.toContain("<https://x.example");
	});
});
