import type { Audience } from "../order/status";
import type { OrderRef } from "../order/tenant";
import { actorOf } from "./auth";
import type { Caller } from "./context";
import { ApiError } from "./problem";
import { orderNotFound, orderStub } from "./route-kit";
import { streamConfig } from "./stream-config";

/** How long a refused stream's client waits before trying again, in seconds. */
const RETRY_AFTER_S = 30;

const REFUSED = {
	order: "This order's event streams are all open (four per order); close one, or poll the status instead.",
	key: "This key has as many event streams open as it may; close one first.",
	tenant: "This tenant's keys have as many event streams open as they may; close one first.",
} as const;

const tooMany = (why: keyof typeof REFUSED) =>
	new ApiError(429, "too-many-streams", REFUSED[why], { headers: { "Retry-After": String(RETRY_AFTER_S) } });

/**
 * Gives back the stream's lease once the stream ends: the order's object ended it (its lifetime), or
 * the client went away (its end cancelled). The bytes pass through untouched.
 */
function releasing(stream: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
	const reader = stream.getReader();
	let released = false;
	const once = () => {
		if (!released) release();
		released = true;
	};
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) {
					once();
					controller.close();
				} else controller.enqueue(value);
			} catch (error) {
				once();
				controller.error(error);
			}
		},
		async cancel(reason) {
			once();
			await reader.cancel(reason);
		},
	});
}

/**
 * Opens an order's event stream for a caller, within the caps: streams per key and per tenant, across
 * every order and isolate (a lease from the tenant's StreamQuota), and per order and audience (the
 * order's object). Past any of them: 429, and nothing already open is closed.
 */
export async function openEventStream(
	env: Env,
	/** The request's `waitUntil`: a lease is given back after the answer has gone. */
	waitUntil: (work: Promise<unknown>) => void,
	caller: Caller,
	ref: OrderRef,
	after: number,
): Promise<ReadableStream<Uint8Array>> {
	const { perKey, perTenant } = streamConfig(env);
	const quota = env.STREAMS.get(
		env.STREAMS.idFromName(caller.tenant === null ? "operators" : `tenant:${caller.tenant}`),
	);
	const acquired = await quota.acquire(actorOf(caller), perKey, caller.tenant === null ? null : perTenant);
	if ("refused" in acquired) throw tooMany(acquired.refused);
	const release = () =>
		waitUntil(
			quota.release(acquired.lease).catch((e) => console.warn("a stream's lease was not given back; it expires", e)),
		);
	const audience: Audience = caller.role;
	let stream: Awaited<ReturnType<ReturnType<typeof orderStub>["events"]>>;
	try {
		stream = await orderStub(env, ref).events(after, audience);
	} catch (error) {
		release();
		throw error;
	}
	if (stream === null || stream === "full") {
		release();
		throw stream === null ? orderNotFound(ref.orderId) : tooMany("order");
	}
	return releasing(stream, release);
}
