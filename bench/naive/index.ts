import { Order } from "../../src/order/order";
import { Refused } from "../shared/downstream";
import { keyOf, PICK_EVENT, pickUrl, type ServiceUrls, services } from "../shared/services";

interface NaiveEnv extends ServiceUrls {
	PUBLIC_BASE_URL: string;
}

/**
 * The floor: the order's downstream calls in sequence inside one request, with nothing written
 * anywhere. A crash halfway leaves a charged card and no shipment, and nothing waits for the
 * warehouse: the pick callback is accepted and forgotten. Whatever it costs is what any durable
 * design adds to.
 */
export default {
	async fetch(request: Request, env: NaiveEnv): Promise<Response> {
		const url = new URL(request.url);
		if (request.method === "POST" && url.pathname === "/orders") return placeOrder(request, env);
		if (request.method === "POST" && url.pathname.endsWith(`/events/${PICK_EVENT}`)) {
			return Response.json({ outcome: "accepted" }, { status: 202 });
		}
		return Response.json({ code: "not_found" }, { status: 404 });
	},
} satisfies ExportedHandler<NaiveEnv>;

async function placeOrder(request: Request, env: NaiveEnv): Promise<Response> {
	const parsed = Order.safeParse(await request.json().catch(() => null));
	if (!parsed.success) return Response.json({ code: "invalid_order" }, { status: 400 });
	const order = parsed.data;
	const { charge, reserve, ship, email } = services(env);
	try {
		await charge(order, keyOf(order, "charge-payment"));
		await reserve(order, keyOf(order, "reserve-inventory"));
		const callback = { url: pickUrl(env.PUBLIC_BASE_URL, order.orderId), token: "naive-has-no-token" };
		await ship(order, callback, keyOf(order, "schedule-shipping"));
		await email(order, keyOf(order, "send-confirmation"));
	} catch (error) {
		if (!(error instanceof Refused)) throw error;
		return Response.json({ orderId: order.orderId, status: "failed", failure: error.code });
	}
	return Response.json({ orderId: order.orderId, status: "completed" });
}
