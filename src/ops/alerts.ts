import type { Alert } from "./messages";

/** Time limit of one webhook delivery, in ms. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/** A Slack-compatible incoming-webhook body: `text` for any client, blocks for Slack, `alert` for machines. */
export function webhookBody(alert: Alert, publicBaseUrl: string) {
	const order = alert.orderId !== "";
	const link = order
		? `${publicBaseUrl}/orders/${encodeURIComponent(alert.orderId)}?tenant=${alert.tenant}`
		: `${publicBaseUrl}/downstreams`;
	const fields = [
		...(order ? [`*Order*\n<${link}|${alert.workflowId}>`, `*Step*\n${alert.step}`] : [`*Downstream*\n${alert.step}`]),
		...(alert.error ? [`*Error*\n${alert.error.code}: ${alert.error.message}`] : []),
		...(alert.attempts !== null ? [`*Attempts*\n${alert.attempts}`] : []),
	];
	return {
		text: `${alert.title} (${link})`,
		blocks: [
			{ type: "section", text: { type: "mrkdwn", text: `*${alert.title}*` } },
			{ type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) },
		],
		alert: { ...alert, link },
	};
}

/** Posts one alert; throws on anything but a 2xx, so the queue retries it. */
export async function postAlert(url: string, alert: Alert, publicBaseUrl: string): Promise<void> {
	const response = await fetch(url, {
		method: "POST",
		headers: { "Content-Type": "application/json", "Idempotency-Key": alert.id },
		body: JSON.stringify(webhookBody(alert, publicBaseUrl)),
		signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
	});
	if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
}
