/** One server-sent event as a test reads it: its id, its type, and its data parsed. */
export interface ServerEvent {
	id: number;
	event: string;
	data: { seq: number; type: string; at: string } & Record<string, unknown>;
}

/** Reads server-sent events from a stream until `enough` holds; comments and `retry:` are skipped. */
export async function readEvents(
	response: Response,
	enough: (events: ServerEvent[]) => boolean,
): Promise<ServerEvent[]> {
	const reader = (response.body as ReadableStream<Uint8Array>).getReader();
	const decoder = new TextDecoder();
	const events: ServerEvent[] = [];
	let buffer = "";
	const until = Date.now() + 10_000;
	while (!enough(events)) {
		if (Date.now() > until) throw new Error(`stream stalled after ${JSON.stringify(events.map((e) => e.id))}`);
		const { done, value } = await reader.read();
		if (done) break;
		buffer += decoder.decode(value, { stream: true });
		for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
			const fields = Object.fromEntries(
				buffer
					.slice(0, end)
					.split("\n")
					.filter((line) => line && !line.startsWith(":"))
					.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
			);
			buffer = buffer.slice(end + 2);
			if (fields.id)
				events.push({ id: Number(fields.id), event: String(fields.event), data: JSON.parse(String(fields.data)) });
		}
	}
	await reader.cancel();
	return events;
}
