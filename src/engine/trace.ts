import type { JournalEntry } from "./events";

/** Wraps work in a span of the host's tracer; the work may annotate its span as it learns more. */
export type Tracer = <T>(
	name: string,
	attributes: Record<string, string | number>,
	work: (annotate: (key: string, value: string | number) => void) => Promise<T>,
) => Promise<T>;

/** What the host may watch: each step attempt as a span, and each journal entry once it is durable. */
export interface Observers {
	/** Default: no spans. */
	trace?: Tracer;
	/** Called once per journal entry, after it is in storage. */
	log?: (entry: JournalEntry) => void;
}

export const untraced: Tracer = (_name, _attributes, work) => work(() => undefined);

const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** 64-bit FNV-1a of the text from `seed`: cheap, synchronous and the same on every instance. */
function fnv64(text: string, seed: bigint): bigint {
	let hash = seed;
	for (const byte of new TextEncoder().encode(text)) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
	return hash;
}

/**
 * The W3C trace id of a workflow: 32 hex digits derived from its id, so every attempt, retry, restart
 * and redrive of the same workflow carries the same one, and a service's logs group by workflow.
 */
export function traceIdOf(workflowId: string): string {
	const hex = (n: bigint) => n.toString(16).padStart(16, "0");
	const id = hex(fnv64(workflowId, 0xcbf29ce484222325n)) + hex(fnv64(workflowId, 0x84222325cbf29ce4n));
	return id === "0".repeat(32) ? `${id.slice(0, 31)}1` : id;
}

/** A `traceparent` header for one attempt: the workflow's trace, a span of its own, sampled. */
export function traceparent(workflowId: string, random: () => number): string {
	const span = Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join("");
	return `00-${traceIdOf(workflowId)}-${span === "0".repeat(16) ? "0000000000000001" : span}-01`;
}
