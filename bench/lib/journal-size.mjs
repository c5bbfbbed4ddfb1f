import { requestJson } from "./http.mjs";
import { CLIENT_KEY } from "./systems.mjs";

/** Mean bytes of a finished order's journal as `GET /orders/{id}/history` returns it, over a sample. */
export async function journalBytes(baseUrl, orderIds, sample = 20) {
	const picked = orderIds.slice(0, sample);
	let bytes = 0;
	for (const orderId of picked) {
		const { body } = await requestJson("GET", `${baseUrl}/orders/${encodeURIComponent(orderId)}/history`, {
			headers: { Authorization: `Bearer ${CLIENT_KEY}` },
		});
		bytes += JSON.stringify(body.events).length;
	}
	return Math.round(bytes / picked.length);
}
