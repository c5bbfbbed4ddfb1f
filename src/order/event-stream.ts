import type { JournalEntry } from "../engine/events";
import type { Audience, HistoryEntry } from "./status";

/**
 * Streams held open per order, for each audience apart: clients never take an operator's place. Past
 * it a new stream is refused (429), never one rotated out: a rotated stream reconnects and rotates
 * out the next, for ever.
 */
export const MAX_STREAMS = 4;
/**
 * A comment this often keeps proxies from closing an idle stream, and finds a client that went away:
 * across the Worker's RPC its cancel shows only when a write fails, so its place is free within this.
 */
const HEARTBEAT_MS = 5_000;
/** A stream ends after this long; the client reconnects with Last-Event-ID and loses nothing. */
export const STREAM_LIFETIME_MS = 5 * 60_000;

const encoder = new TextEncoder();

interface Subscriber {
	writer: WritableStreamDefaultWriter<Uint8Array>;
	audience: Audience;
	/** The last entry sent: nothing is sent twice, nothing out of order. */
	sent: number;
	stop: () => void;
}

/**
 * The journal of one order as server-sent events, one per entry (`id:` its sequence number,
 * `event:` its type, `data:` the entry as the history shows it to the stream's audience): the
 * history first, or only what follows Last-Event-ID, then every entry as it becomes durable.
 */
export class EventStreams {
	private readonly open = new Set<Subscriber>();

	constructor(private readonly view: (entry: JournalEntry, audience: Audience) => HistoryEntry) {}

	/** A new stream for `audience`; null when that audience's streams of this order are all taken. */
	subscribe(history: readonly JournalEntry[], after: number, audience: Audience): ReadableStream<Uint8Array> | null {
		if ([...this.open].filter((s) => s.audience === audience).length >= MAX_STREAMS) return null;
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const subscriber: Subscriber = { writer: writable.getWriter(), audience, sent: after, stop: () => undefined };
		this.open.add(subscriber);
		const heartbeat = setInterval(() => this.write(subscriber, ": keep-alive\n\n"), HEARTBEAT_MS);
		const end = setTimeout(() => this.close(subscriber), STREAM_LIFETIME_MS);
		subscriber.stop = () => {
			clearInterval(heartbeat);
			clearTimeout(end);
		};
		this.write(subscriber, "retry: 1000\n\n");
		for (const entry of history) this.send(subscriber, entry);
		return readable;
	}

	/** A journal entry just became durable: every open stream gets it. */
	publish(entry: JournalEntry): void {
		for (const subscriber of this.open) this.send(subscriber, entry);
	}

	private send(subscriber: Subscriber, entry: JournalEntry): void {
		if (entry.seq <= subscriber.sent) return;
		subscriber.sent = entry.seq;
		const data = JSON.stringify(this.view(entry, subscriber.audience));
		this.write(subscriber, `id: ${entry.seq}\nevent: ${entry.type}\ndata: ${data}\n\n`);
	}

	private write(subscriber: Subscriber, text: string): void {
		// A client that went away fails the write: its stream is closed and forgotten.
		subscriber.writer.write(encoder.encode(text)).catch(() => this.close(subscriber));
	}

	private close(subscriber: Subscriber): void {
		if (!this.open.delete(subscriber)) return;
		subscriber.stop();
		subscriber.writer.close().catch(() => undefined);
	}
}
