import { requestJson } from "./http.mjs";
import { percentile } from "./stats.mjs";
import { CLIENT_KEY } from "./systems.mjs";

/**
 * Where an order's time goes, from its own journal: from the client's POST to `workflow_started`,
 * each step from its first start to its success, the wait for an event (the warehouse's pick) from
 * the entry before it, and from the last entry to the end. Medians in ms over a sample of orders.
 */
export async function phases(baseUrl, results, sample = 40) {
	const gaps = {};
	const add = (name, ms) => {
		gaps[name] ??= [];
		gaps[name].push(Math.max(0, ms));
	};
	for (const result of results.filter((r) => r.latencyMs !== null).slice(-sample)) {
		const { body } = await requestJson("GET", `${baseUrl}/orders/${encodeURIComponent(result.order.orderId)}/history`, {
			headers: { Authorization: `Bearer ${CLIENT_KEY}` },
		});
		const started = {};
		let previous = result.startedAt;
		for (const event of body.events) {
			const at = Date.parse(event.at);
			if (event.type === "workflow_started") add("accepted", at - previous);
			if (event.type === "step_started") started[event.step] ??= at;
			if (event.type === "step_succeeded") add(event.step, at - (started[event.step] ?? previous));
			if (event.type === "event_received") add(`${event.step} (wait)`, at - previous);
			if (event.type === "workflow_finished") add("finish", at - previous);
			previous = at;
		}
	}
	return Object.fromEntries(
		Object.entries(gaps).map(([name, ms]) => [
			name,
			percentile(
				ms.sort((a, b) => a - b),
				50,
			),
		]),
	);
}
