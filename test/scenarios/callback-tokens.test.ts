import { describe, expect, it } from "vitest";
import { signCallbackToken } from "../../src/order/callback-token";
import {
	confirmPick,
	getStatus,
	newOrderId,
	orderBody,
	pickToken,
	placeOrder,
	settle,
	storedState,
	testSigner,
} from "../helpers";

async function waitingOrder(label: string) {
	const orderId = newOrderId(label);
	await placeOrder(orderBody(orderId));
	await settle(orderId);
	return { orderId, token: await pickToken(orderId) };
}

describe("warehouse callback tokens", () => {
	it("rejects a forged signature with 401 and keeps waiting", async () => {
		const { orderId, token } = await waitingOrder("forged");
		const [version, claims, signature = ""] = token.split(".");
		const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
		const response = await confirmPick(orderId, `${version}.${claims}.${flipped}`);
		expect(response.status).toBe(401);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		expect((await getStatus(orderId)).status).toBe("waiting");
	});

	it("rejects a token signed with another secret, and garbage, with 401", async () => {
		const { orderId } = await waitingOrder("other-secret");
		const { kid } = await testSigner();
		const foreign = await signCallbackToken(
			{ kid, secret: "some-other-secret-abcdef" },
			{ tenant: "default", orderId, event: "warehouse-picked" },
		);
		expect((await confirmPick(orderId, foreign)).status).toBe(401);
		expect((await confirmPick(orderId, "not-a-token")).status).toBe(401);
		expect((await confirmPick(orderId, "v1.%%%.%%%")).status).toBe(401);
	});

	it("rejects another order's token with 403", async () => {
		const first = await waitingOrder("token-a");
		const second = await waitingOrder("token-b");
		expect((await confirmPick(first.orderId, second.token)).status).toBe(403);
		expect((await getStatus(first.orderId)).status).toBe("waiting");
	});

	it("rejects a token for another event of the same order with 403", async () => {
		const { orderId } = await waitingOrder("other-event");
		const other = await signCallbackToken(await testSigner(), {
			tenant: "default",
			orderId,
			event: "warehouse-lost-it",
		});
		expect((await confirmPick(orderId, other)).status).toBe(403);
		expect((await getStatus(orderId)).status).toBe("waiting");
	});

	it("answers 404 for a validly signed token of an order that does not exist, writing no storage", async () => {
		const orderId = newOrderId("ghost");
		const token = await signCallbackToken(await testSigner(), {
			tenant: "default",
			orderId,
			event: "warehouse-picked",
		});
		expect((await confirmPick(orderId, token)).status).toBe(404);
		expect(await storedState(orderId)).toEqual({ tables: [], entries: 0, alarm: null });
	});
});
