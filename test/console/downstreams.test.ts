import { describe, expect, it } from "vitest";
import { shareBreakers } from "../breakers";
import { api, newOrderId, OPERATOR_KEY, orderBody, placeOrder, settle } from "../helpers";
import { consoleRequest, csrfOf, page, signIn } from "./console";

const breakerState = async (name: string) => {
	const { downstreams } = (await (await api("/downstreams", { key: OPERATOR_KEY })).json()) as {
		downstreams: { name: string; state: string; reason: string | null }[];
	};
	return downstreams.find((d) => d.name === name);
};

describe("the downstreams page", () => {
	it("shows every breaker, pauses and resumes with a reason, journaled with the operator's key name", async () => {
		const prefix = newOrderId("console-breakers");
		shareBreakers(prefix);
		const cookie = await signIn();
		const html = await page("/ops/downstreams", cookie);
		for (const name of ["payments", "inventory", "shipping", "email"])
			expect(html).toContain(`<td data-label="Downstream"><a href="#${name}">${name}</a></td>`);
		expect(html).toContain('<span class="status closed">closed</span>');

		const csrf = csrfOf(html);
		const form = { csrf, reason: "gateway maintenance", requestKey: `console-${crypto.randomUUID()}` };
		const paused = await consoleRequest("/ops/downstreams/payments/pause", { cookie, form });
		expect(paused.status).toBe(303);
		expect(await breakerState("payments")).toMatchObject({
			state: "paused",
			reason: "gateway maintenance (operator:alice)",
		});
		expect(await page(paused.headers.get("Location") ?? "", cookie)).toContain("Paused: new calls to it are held");

		// An order placed now is held, and its page says what it waits for.
		const orderId = `${prefix}-1`;
		expect((await placeOrder(orderBody(orderId))).status).toBe(202);
		await settle(orderId, (s) => s.steps.some((step) => step.status === "held"));
		const orderPage = await page(`/ops/orders/default/${orderId}`, cookie);
		expect(orderPage).toContain("payments to recover: charge-payment is held, at most until");
		expect(orderPage).toContain('<span class="status held">held</span>');

		// The same form again acts once; pausing a paused service is refused in words.
		expect((await consoleRequest("/ops/downstreams/payments/pause", { cookie, form })).status).toBe(303);
		const again = await consoleRequest("/ops/downstreams/payments/pause", {
			cookie,
			form: { ...form, requestKey: `console-${crypto.randomUUID()}` },
		});
		expect(await page(again.headers.get("Location") ?? "", cookie)).toContain("Cannot pause payments: it is paused.");

		const resumed = await consoleRequest("/ops/downstreams/payments/resume", {
			cookie,
			form: { csrf, reason: "back", requestKey: `console-${crypto.randomUUID()}` },
		});
		expect(resumed.status).toBe(303);
		expect(await breakerState("payments")).toMatchObject({ state: "closed" });
		expect((await settle(orderId)).status).toBe("waiting");
	});

	it("shows only its own fixed messages: a link's ?error= text is never shown as an alert", async () => {
		const cookie = await signIn();
		const bait = "Your session expired. Call +1 555 0100 and read out your operator key.";
		const html = await page(`/ops/downstreams?error=${encodeURIComponent(bait)}`, cookie);
		expect(html).not.toContain("Call +1 555 0100");
		expect(html).not.toMatch(/role="alert"/);
		// The page's own refusal, named by action and a known downstream, reads as it always did.
		const refused = await page("/ops/downstreams?refused=resume&name=email", cookie);
		expect(refused).toContain("Cannot resume email: it is not paused.");
		const forged = await page(`/ops/downstreams?refused=pause&name=${encodeURIComponent(bait)}`, cookie);
		expect(forged).not.toContain("Call +1 555 0100");
		expect(forged).not.toMatch(/role="alert"/);
	});

	it("refuses a cross-site pause, and one without a session", async () => {
		shareBreakers(newOrderId("console-breakers-csrf"));
		const cookie = await signIn();
		const csrf = csrfOf(await page("/ops/downstreams", cookie));
		const form = { csrf, reason: "x" };
		const crossSite = await consoleRequest("/ops/downstreams/email/pause", {
			cookie,
			form,
			origin: "https://evil.test",
		});
		expect(crossSite.status).toBe(403);
		const signedOut = await consoleRequest("/ops/downstreams/email/pause", { form });
		expect(signedOut.status).toBe(303);
		expect(signedOut.headers.get("Location")).toMatch(/^\/ops\/sign-in/);
		expect(await breakerState("email")).toMatchObject({ state: "closed" });
	});
});
