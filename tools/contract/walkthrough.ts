// A third-party client of the orchestrator, generated from the served OpenAPI document: place an
// order, poll it, confirm the warehouse's pick, poll it to the end. `npm run contract` type-checks it
// against types openapi-typescript generates from the document, so a change to the document that
// breaks generated clients breaks the build. Run it against `npm run dev` with `npm run walkthrough`
// (the project's Node 22 runs it); each run places a fresh order.
import createClient from "openapi-fetch";
import type { components, paths } from "../../.build/openapi-client";

type OrderStatus = components["schemas"]["OrderStatus"];

const client = createClient<paths>({
	baseUrl: process.env.ORDERS_URL ?? "http://127.0.0.1:8787",
	headers: { Authorization: `Bearer ${process.env.API_KEY ?? "local-dev-client-key"}` },
});

/** How long a wait for the order may take before the walk-through gives up, in ms. */
const WAIT_MS = 60_000;

/** Polls the order until `done`, saying what it waits for; gives up after a minute. */
async function poll(orderId: string, what: string, done: (status: OrderStatus) => boolean): Promise<OrderStatus> {
	console.log(`waiting for ${orderId} to be ${what}...`);
	const until = Date.now() + WAIT_MS;
	for (;;) {
		const { data, error } = await client.GET("/orders/{orderId}", { params: { path: { orderId } } });
		if (error) throw new Error(`${error.status} ${error.title}: ${error.detail} (request ${error.requestId})`);
		if (done(data)) return data;
		if (Date.now() > until) throw new Error(`gave up: ${orderId} is ${data.status}, not ${what}, after a minute`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** The warehouse's token, as the sandbox's shipping service received it with the shipment. */
async function pickToken(orderId: string): Promise<string> {
	const sandbox = process.env.SANDBOX_URL ?? "http://127.0.0.1:8788";
	const shipments = (await (await fetch(`${sandbox}/shipping/shipments?orderId=${orderId}`)).json()) as {
		callbackToken: string;
	}[];
	const token = shipments[0]?.callbackToken;
	if (!token) throw new Error(`no shipment for ${orderId} yet`);
	return token;
}

export async function walkthrough(orderId: string): Promise<OrderStatus> {
	const placed = await client.POST("/orders", {
		body: {
			orderId,
			customer: { id: "cus_1", email: "ada@example.com" },
			items: [{ sku: "BOOK-1", quantity: 2, unitPriceCents: 1500 }],
			currency: "USD",
			paymentMethod: "pm_card_visa",
			shippingAddress: {
				name: "Ada Lovelace",
				line1: "12 St James's Square",
				city: "London",
				postalCode: "SW1Y 4JH",
				country: "GB",
			},
		},
	});
	if (placed.error) throw new Error(`place: ${placed.error.status} ${placed.error.detail}`);
	const location: string | null = placed.response.headers.get("Location");
	console.log(`placed ${placed.data.orderId} (${placed.data.status}); status at ${location}`);

	const waiting = await poll(orderId, "waiting", (s) => s.status === "waiting");
	console.log(`waiting for ${waiting.waitingFor?.event} until ${waiting.waitingFor?.deadline}`);

	const picked = await client.POST("/orders/{orderId}/events/warehouse-picked", {
		params: { path: { orderId } },
		body: { token: await pickToken(orderId), pickedBy: "worker-17", pickedAt: new Date().toISOString() },
	});
	if (picked.error) throw new Error(`pick: ${picked.error.status} ${picked.error.detail}`);
	console.log(`pick ${picked.data.outcome}`);

	const done = await poll(orderId, "finished", (s) => s.status !== "running" && s.status !== "waiting");
	const history = await client.GET("/orders/{orderId}/history", { params: { path: { orderId } } });
	const events = history.data?.events ?? [];
	console.log(`${done.status}: ${events.map((e) => `${e.at} ${e.type}`).join(", ")}`);
	return done;
}

if (process.argv[1]?.endsWith("walkthrough.ts")) await walkthrough(`walk-${Date.now()}`);
