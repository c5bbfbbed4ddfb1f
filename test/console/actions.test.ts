import { describe, expect, it } from "vitest";
import {
	d1Rows,
	eventually,
	getHistory,
	getStatus,
	injectFault,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeFailedRefund,
	placeUntilCannotPick,
	placeUntilPick,
	reportCannotPick,
	settle,
} from "../helpers";
import { consoleRequest, csrfOf, page, postAction, signIn } from "./console";

/** The audit trail as an operator reads it: who acted and why (a client reads neither). */
const audit = async (orderId: string) =>
	(await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");

describe("the order page", () => {
	it("shows status, tenant, version, usage, what it waits for, each step and the timeline", async () => {
		const cookie = await signIn();
		const orderId = newOrderId("page");
		await placeUntilPick(orderBody(orderId));
		const status = await getStatus(orderId);
		const html = await page(`/ops/orders/default/${orderId}`, cookie);
		expect(html).toContain(`Order ${orderId}`);
		expect(html).toContain('<span class="status waiting">waiting</span>');
		expect(html).toMatch(/<dt>Workflow version<\/dt>\s*<dd>2<\/dd>/);
		expect(html).toMatch(/rows written, \d+ rows read, \d+ alarms set, \d+ requests/);
		expect(html).toContain(
			`warehouse-picked or warehouse-cannot-pick, until <time datetime="${status.waitingFor?.deadline}">`,
		);
		for (const step of status.steps) expect(html).toContain(`<tr data-step="${step.name}">`);
		expect(html).toContain(`<code>${orderId}:charge-payment</code>`);
		for (const entry of await getHistory(orderId)) expect(html).toContain(`<tr data-seq="${entry.seq}">`);
		expect(html).toContain(`data-events="/ops/orders/default/${orderId}/events?after=`);

		const missing = await consoleRequest(`/ops/orders/default/${newOrderId("none")}`, { cookie });
		expect(missing.status).toBe(404);
		expect(await missing.text()).toContain("No order");
	});

	it("shows what a service answered about a step in doubt, and which of the warehouse's answers came", async () => {
		const cookie = await signIn();
		const orderId = newOrderId("page-answers");
		await injectFault({ service: "payments", operation: "charge", orderId, fault: "error_after", status: 502 });
		await reportCannotPick(orderId, await placeUntilCannotPick(orderBody(orderId)), "damaged");
		await settle(orderId);
		const html = await page(`/ops/orders/default/${orderId}`, cookie);
		const verifiedAt = (await getStatus(orderId)).steps[0]?.verifiedAt;
		expect(html).toContain(`applied, asked <time datetime="${verifiedAt}">`);
		expect(html).toMatch(
			/charge-payment: its service was asked about its key \(attempts up to 1 fenced if absent\): <strong>applied<\/strong>/,
		);
		expect(html).toContain(`<td data-label="Answer">warehouse-cannot-pick came</td>`);
		expect(html).toContain("warehouse-cannot-pick received <code>{&quot;reason&quot;:&quot;damaged&quot;");
		expect(html).toContain("cannot_pick: the warehouse cannot pick the order (damaged)");
	});

	it("streams the order's events to the session's cookie, from where the page left off", async () => {
		const cookie = await signIn();
		const orderId = newOrderId("page-stream");
		await placeUntilPick(orderBody(orderId));
		const response = await consoleRequest(`/ops/orders/default/${orderId}/events?after=2`, { cookie });
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toBe("text/event-stream");
		const last = (await getHistory(orderId)).at(-1)?.seq;
		const reader = (response.body as ReadableStream<Uint8Array>).getReader();
		let text = "";
		// Read the whole history before leaving: a stream cut mid-history makes workerd log the aborted write.
		while (!text.includes(`id: ${last}\n`)) text += new TextDecoder().decode((await reader.read()).value);
		await reader.cancel();
		expect(text).toContain("id: 3\n");
		expect(text).not.toContain("id: 2\n");
		const sections = await page(`/ops/orders/default/${orderId}/sections`, cookie);
		for (const part of ["live-facts", "live-actions", "live-steps", "live-timeline"])
			expect(sections).toContain(`id="${part}"`);
		expect(sections).not.toContain("<html");
	});
});

describe("actions from the console", () => {
	it("a retry's preview shows both ways and their steps, changing nothing; confirming one is journaled with actor and reason", async () => {
		const orderId = await placeFailedRefund("console-retry");
		const cookie = await signIn();
		const before = await getHistory(orderId);
		const preview = await page(`/ops/orders/default/${orderId}?preview=retry`, cookie);
		// The refund was already tried: the order can only be undone the rest of the way, and the page says so.
		expect(preview).toContain("Not possible: what was done is already (being) undone");
		expect(preview).toContain("<code>charge-payment:undo</code> (an undo): sent again under its key");
		expect(preview).toMatch(/<label>\s*Reason\s*<input name="reason" required/);
		expect(preview).toContain('name="mode" value="compensate"');
		expect(preview).not.toContain('name="mode" value="forward"');
		expect(preview).toContain(">Undo</button>");
		expect(await getHistory(orderId)).toEqual(before);

		const response = await postAction(orderId, "retry", cookie, { reason: "payments is back", mode: "compensate" });
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe(`/ops/orders/default/${orderId}?done=retry`);
		expect(await audit(orderId)).toMatchObject([
			{ action: "retry", actor: "operator:alice", reason: "payments is back", steps: ["charge-payment:undo"] },
		]);
		expect((await settle(orderId)).status).toBe("compensated");
		const closed = await eventually(
			() => d1Rows("dead_letters", orderId),
			(rows) => rows[0]?.status === "closed",
		);
		expect(closed[0]).toMatchObject({ closed_by: "operator:alice", closed_action: "retry" });
		expect(await page(`/ops/orders/default/${orderId}?done=retry`, cookie)).toContain("Retry accepted");
	});

	it("resolve and cancel need a reason, and are journaled with who did them and why", async () => {
		const cookie = await signIn("test-operator-key-02");
		const orderId = await placeFailedRefund("console-resolve");
		const blank = await postAction(orderId, "resolve", cookie, { reason: "   " });
		expect(blank.status).toBe(400);
		expect(await blank.text()).toContain("A reason is required");
		expect(await audit(orderId)).toEqual([]);
		expect((await postAction(orderId, "resolve", cookie, { reason: "refunded by hand" })).status).toBe(303);
		expect(await audit(orderId)).toMatchObject([
			{ action: "resolve", actor: "operator:key-2", reason: "refunded by hand" },
		]);

		const waiting = newOrderId("console-cancel");
		await placeUntilPick(orderBody(waiting));
		expect((await postAction(waiting, "cancel", cookie, { reason: "customer phoned" })).status).toBe(303);
		expect(await audit(waiting)).toMatchObject([
			{ action: "cancel", actor: "operator:key-2", reason: "customer phoned" },
		]);
		expect((await settle(waiting)).status).toBe("cancelled");
	});

	it("shows a refusal as a readable message: 409 for an action the order's state does not allow", async () => {
		const cookie = await signIn();
		const orderId = newOrderId("console-409");
		await placeUntilPick(orderBody(orderId));
		const response = await postAction(orderId, "retry", cookie, { reason: "just because" });
		expect(response.status).toBe(409);
		const html = await response.text();
		expect(html).toContain("Cannot retry: the order is waiting and does not need attention.");
		expect(html).toMatch(/role="alert"/);
		const preview = await consoleRequest(`/ops/orders/default/${orderId}?preview=retry`, { cookie });
		expect(preview.status).toBe(409);
		expect(await audit(orderId)).toEqual([]);
	});

	it("does nothing twice when a form is sent again, and nothing at all from another site or without its token", async () => {
		const cookie = await signIn();
		const orderId = await placeFailedRefund("console-csrf");
		const csrf = csrfOf(await page(`/ops/orders/default/${orderId}`, cookie));
		const form = { csrf, reason: "from elsewhere", requestKey: "console-form-1" };
		const path = `/ops/orders/default/${orderId}/resolve`;
		expect((await consoleRequest(path, { cookie, form, origin: "https://evil.test" })).status).toBe(403);
		expect((await consoleRequest(path, { cookie, form, origin: null })).status).toBe(403);
		expect((await consoleRequest(path, { cookie, form: { ...form, csrf: "forged" } })).status).toBe(403);
		expect((await consoleRequest(path, { cookie: undefined, form })).status).toBe(303);
		expect(await audit(orderId)).toEqual([]);
		expect((await getStatus(orderId)).status).toBe("needs_attention");

		expect((await consoleRequest(path, { cookie, form })).headers.get("Location")).toMatch(/done=resolve$/);
		expect((await consoleRequest(path, { cookie, form })).headers.get("Location")).toMatch(/done=resolve&repeated$/);
		expect(await audit(orderId)).toHaveLength(1);
	});
});

describe("the lists", () => {
	it("finds an order by its filters and links to its page; shows its dead letter", async () => {
		const cookie = await signIn();
		const orderId = await placeFailedRefund("console-lists");
		const link = `href="/ops/orders/default/${orderId}"`;
		const filtered = "/ops/orders?status=needs_attention&step=&failure=&tenant=default&workflowVersion=2";
		await eventually(
			() => page(filtered, cookie),
			(html) => html.includes(link),
		);
		expect(await page("/ops/orders?status=completed&tenant=default", cookie)).not.toContain(link);
		const bad = await consoleRequest("/ops/orders?tenant=Not+A+Tenant&cursor=zzz", { cookie });
		expect(bad.status).toBe(400);
		expect(await bad.text()).toMatch(/Tenant: .*Page: is not a page this console linked to/);

		await eventually(
			() => page("/ops/dead-letters?tenant=default", cookie),
			(html) => html.includes(link),
		);
		expect(await page("/ops/dead-letters?status=closed", cookie)).not.toContain(link);
	});
});
