import { signCallbackToken } from "../../src/order/callback-token";
import { CANNOT_PICK_EVENT, PICK_EVENT } from "../../src/order/pick";
import { orderBody, testSigner } from "../helpers";
import type { Body, FuzzRequest, Route } from "./api-arbitraries";
import type { Mutation, TokenRef } from "./api-values";

/** A fixture: an order placed before fuzzing and left waiting for the warehouse, with its genuine token. */
export interface Fixture {
	orderId: string;
	token: string;
}

/** A generated request made real: what to send, and which order ids it may touch. */
export interface Built {
	url: string;
	init: RequestInit;
	pathId: string | null;
	bodyId: string | null;
}

const ROUTES: Record<Route, (id: string) => string> = {
	orders: () => "/orders",
	order: (id) => `/orders/${id}`,
	history: (id) => `/orders/${id}/history`,
	pick: (id) => `/orders/${id}/events/${PICK_EVENT}`,
	"cannot-pick": (id) => `/orders/${id}/events/${CANNOT_PICK_EVENT}`,
	event: (id) => `/orders/${id}/events/warehouse-dropped`,
	cancel: (id) => `/orders/${id}/cancel`,
	retry: (id) => `/orders/${id}/retry`,
	resolve: (id) => `/orders/${id}/resolve`,
	"dead-letters": () => "/dead-letters",
	openapi: () => "/openapi.json",
	other: (id) => `/${id}`,
};
/** Routes whose path names no order. */
const NO_ID: Route[] = ["orders", "dead-letters", "openapi"];

/** Resolves the request's references (fresh id, fixture, token) and serializes its body. */
export async function buildRequest(req: FuzzRequest, id: string, fixtures: readonly Fixture[]): Promise<Built> {
	const headers: Record<string, string> = { ...req.headers };
	if (req.auth !== null) headers.Authorization = req.auth;
	if (req.contentType !== null) headers["Content-Type"] = req.contentType;
	const { text, bodyId } = await serialize(req.body, id, fixtures);
	// fetch refuses a body on GET and HEAD; those go without one.
	const body = req.method === "GET" || req.method === "HEAD" ? undefined : text;
	const pathId = NO_ID.includes(req.route) ? null : id;
	const streamed = body !== undefined && req.body.kind === "chunked" ? chunks(body, req.body.chunk) : body;
	return {
		url: `https://orders.test${ROUTES[req.route](id)}${req.suffix}`,
		init: {
			method: req.method,
			headers,
			body: streamed,
			...(streamed instanceof ReadableStream ? { duplex: "half" } : {}),
		},
		pathId,
		bodyId: body === undefined ? null : bodyId,
	};
}

async function serialize(
	body: Body,
	id: string,
	fixtures: readonly Fixture[],
): Promise<{ text?: string; bodyId: string | null }> {
	switch (body.kind) {
		case "none":
			return { bodyId: null };
		case "json":
			return { text: JSON.stringify(body.value) ?? "null", bodyId: null };
		case "text":
			return { text: body.value, bodyId: null };
		case "huge":
			return { text: JSON.stringify({ orderId: id, pad: "x".repeat(body.bytes) }), bodyId: id };
		case "chunked": {
			const order = JSON.stringify(orderBody(id, { paymentMethod: "pm_card_declined" }));
			// Padding inside the order's own JSON: under the limit it is a (refused) unknown field, over it a 413.
			const pad = Math.max(0, body.bytes - order.length - 10);
			return { text: pad > 0 ? order.replace(/^\{/, `{"pad":"${"x".repeat(pad)}",`) : order, bodyId: id };
		}
		case "order": {
			const value = mutate(orderBody(id, { paymentMethod: "pm_card_declined" }), body.mutations);
			const orderId = (value.object as { orderId?: unknown } | null)?.orderId;
			return { text: value.text, bodyId: typeof orderId === "string" ? orderId : null };
		}
		case "action":
			return { text: mutate({ reason: "chaos fuzz" }, body.mutations).text, bodyId: null };
		case "pick": {
			const token = await resolveToken(body.token, id, fixtures);
			const base = { token, pickedBy: "worker-17", pickedAt: new Date().toISOString() };
			return { text: mutate(base, body.mutations).text, bodyId: null };
		}
	}
}

/** The text as a stream of `size`-byte pieces: the request goes out chunked, with no Content-Length. */
function chunks(text: string, size: number): ReadableStream<Uint8Array> {
	const bytes = new TextEncoder().encode(text);
	let at = 0;
	return new ReadableStream({
		pull(controller) {
			if (at >= bytes.byteLength) return controller.close();
			controller.enqueue(bytes.slice(at, at + size));
			at += size;
		},
	});
}

async function resolveToken(ref: TokenRef, id: string, fixtures: readonly Fixture[]): Promise<string> {
	const sign = async (orderId: string, event = PICK_EVENT) =>
		signCallbackToken(await testSigner(), { tenant: "default", orderId, event });
	switch (ref.kind) {
		case "garbage":
			return ref.value;
		case "tampered": {
			const genuine = (fixtures.find((f) => f.orderId === id) ?? fixtures[0])?.token ?? "";
			const at = ref.at % Math.max(1, genuine.length);
			const swapped = genuine[at] === "A" ? "B" : "A";
			return `${genuine.slice(0, at)}${swapped}${genuine.slice(at + 1)}`;
		}
		case "other-event":
			return sign(id, "warehouse-lost-it");
		case "foreign":
			return sign(`${id}-other`);
		case "unknown-order":
			// A genuine token for a fixture would be accepted and change it; fixtures get one for another event instead.
			return fixtures.some((f) => f.orderId === id) ? sign(id, "warehouse-lost-it") : sign(id);
	}
}

/** Applies structural mutations to a clone, then text mutations to its JSON. */
function mutate(base: object, mutations: readonly Mutation[]): { text: string; object: unknown } {
	let object: unknown = structuredClone(base);
	for (const m of mutations) {
		if (m.op === "delete") object = edit(object, m.path, undefined, true);
		// A copy: editing inside a value inserted earlier must not change the generated value itself (it would end circular).
		if (m.op === "set") object = edit(object, m.path, structuredClone(m.value), false);
	}
	let text = JSON.stringify(object) ?? "null";
	for (const m of mutations) {
		if (m.op !== "text") continue;
		if (m.how === "truncate") text = text.slice(0, m.at % (text.length + 1));
		if (m.how === "append") text = `${text}${m.extra}`;
		if (m.how === "bom") text = `\uFEFF${text}`;
		if (m.how === "proto") text = text.replace(/^\{/, '{"__proto__":{"isAdmin":true},');
		if (m.how === "duplicate-key") text = text.replace(/^\{/, '{"orderId":"dup-key-1",');
	}
	return { text, object };
}

function edit(root: unknown, path: readonly string[], value: unknown, remove: boolean): unknown {
	if (path.length === 0 || root === null || typeof root !== "object") return remove ? root : value;
	const [head, ...rest] = path as [string, ...string[]];
	const target = root as Record<string, unknown>;
	if (rest.length === 0) {
		// defineProperty, so that "__proto__" becomes an own key as it would in parsed JSON, not the prototype.
		if (remove) delete target[head];
		else Object.defineProperty(target, head, { value, enumerable: true, configurable: true, writable: true });
		return root;
	}
	target[head] = edit(target[head], rest, value, remove);
	return root;
}
