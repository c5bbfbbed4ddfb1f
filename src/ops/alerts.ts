import { CONSOLE_PATHS } from "./console-paths";
import type { Alert } from "./messages";

/** Time limit of one webhook delivery, in ms. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Text for Slack's mrkdwn, which reads `<...>` as links and mentions (`<!channel>`, `<https://x|a disguise>`):
 * `&`, `<` and `>` escaped, as Slack asks. Every text an alert carries may come from outside (a downstream's
 * message, an operator's note), so all of it goes through here.
 */
export const mrkdwnText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Outside text shown as code: escaped, and its own `*bold*` or `_italic_` left as typed. */
const asCode = (text: string) => `\`${mrkdwnText(text).replace(/`/g, "'")}\``;

/**
 * A Slack-compatible incoming-webhook body: `text` for any client, blocks for Slack, `alert` for
 * machines (as JSON: nothing there is rendered). The link opens the console, where a person signed in
 * sees the order or the downstreams.
 */
export function webhookBody(alert: Alert, publicBaseUrl: string) {
	const order = alert.orderId !== "";
	const link = `${publicBaseUrl}${order ? CONSOLE_PATHS.order(alert) : CONSOLE_PATHS.downstreams}`;
	const fields = [
		...(order
			? [`*Order*\n<${link}|${mrkdwnText(alert.workflowId)}>`, `*Step*\n${mrkdwnText(alert.step)}`]
			: [`*Downstream*\n${mrkdwnText(alert.step)}`]),
		...(alert.error ? [`*Error*\n${asCode(`${alert.error.code}: ${alert.error.message}`)}`] : []),
		...(alert.attempts !== null ? [`*Attempts*\n${alert.attempts}`] : []),
	];
	return {
		text: `${mrkdwnText(alert.title)} (${link})`,
		blocks: [
			{ type: "section", text: { type: "mrkdwn", text: `*${mrkdwnText(alert.title)}*` } },
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
