import { describe, expect, it } from "vitest";
import { placeInDoubt } from "../doubt";
import {
	confirmPick,
	d1Rows,
	effectCounts,
	eventually,
	getHistory,
	getStatus,
	newOrderId,
	OPERATOR_KEY,
	orderBody,
	placeFailedRefund,
	placeUntilPick,
	settle,
} from "../helpers";
import { page, postAction, signIn } from "./console";

const audit = async (orderId: string) =>
	(await getHistory(orderId, OPERATOR_KEY)).filter((e) => e.type === "operator_action");

describe("the order page's retry: carry on or undo", () => {
	it("shows both plans with every step, and carrying on goes forward: charged once, nothing refunded", async () => {
		const orderId = await placeInDoubt("console-forward", "error_after");
		const cookie = await signIn();
		const before = await getHistory(orderId);
		const preview = await page(`/ops/orders/default/${orderId}?preview=retry`, cookie);
		expect(preview).toContain(">Carry on</h4>");
		expect(preview).toContain(">Undo</h4>");
		expect(preview).toContain("<code>charge-payment</code>: asked under its key whether it took effect");
		expect(preview).toContain("<code>send-confirmation</code>: runs");
		expect(preview).toContain(
			"<code>charge-payment:undo</code> (an undo): runs, only if the step in doubt took effect",
		);
		expect(preview).toContain('name="mode" value="forward"');
		expect(preview).toContain('name="mode" value="compensate"');
		expect(await getHistory(orderId)).toEqual(before);

		const response = await postAction(orderId, "retry", cookie, { reason: "the charge went through", mode: "forward" });
		expect(response.status).toBe(303);
		expect(await audit(orderId)).toMatchObject([{ action: "retry", mode: "forward", actor: "operator:alice" }]);
		expect((await settle(orderId)).status).toBe("waiting");
		expect(await effectCounts(orderId)).toMatchObject({ charges: 1, refunds: 0, reservations: 1 });
	});

	it("refuses a mode that is neither, and does nothing", async () => {
		const orderId = await placeInDoubt("console-bad-mode", "error_after");
		const cookie = await signIn();
		const response = await postAction(orderId, "retry", cookie, { reason: "x", mode: "sideways" });
		expect(response.status).toBe(400);
		expect(await audit(orderId)).toEqual([]);
	});
});

describe("the order page's pause, resume and terminate", () => {
	it("pauses with a reason, says who paused it and why, and resumes", async () => {
		const orderId = newOrderId("console-pause");
		const token = await placeUntilPick(orderBody(orderId));
		const cookie = await signIn();
		expect(await page(`/ops/orders/default/${orderId}`, cookie)).toContain(">Pause order</button>");
		expect((await postAction(orderId, "pause", cookie, { reason: "address looks wrong" })).status).toBe(303);
		const paused = await page(`/ops/orders/default/${orderId}?done=pause`, cookie);
		expect(paused).toContain("Paused: the order calls no service until it is resumed.");
		expect(paused).toMatch(/Paused by operator:alice since [^:]+:\d\d:\d\d[^:]*: address looks wrong/);
		expect(paused).not.toContain(">Pause order</button>");
		await confirmPick(orderId, token);
		expect((await postAction(orderId, "resume", cookie, { reason: "address confirmed" })).status).toBe(303);
		expect((await settle(orderId)).status).toBe("completed");
		expect((await audit(orderId)).map((e) => e.action)).toEqual(["pause", "resume"]);
	});

	it("terminate shows its dry run first, then ends the order terminated with its dead letter closed", async () => {
		const orderId = await placeFailedRefund("console-terminate");
		const cookie = await signIn();
		const preview = await page(`/ops/orders/default/${orderId}?preview=terminate`, cookie);
		expect(preview).toContain("took effect and stay as they are, nothing undone");
		expect(preview).toMatch(/aria-label="Steps that stay as they are">\s*<li>\s*<code>charge-payment<\/code>/);
		expect(await audit(orderId)).toEqual([]);
		const response = await postAction(orderId, "terminate", cookie, { reason: "refunded by hand" });
		expect(response.status).toBe(303);
		expect(await getStatus(orderId)).toMatchObject({ status: "terminated", needsAttention: false });
		const closed = await eventually(
			() => d1Rows("dead_letters", orderId),
			(rows) => rows[0]?.status === "closed",
		);
		expect(closed[0]).toMatchObject({ closed_action: "terminate" });
		expect(await page(`/ops/orders/default/${orderId}`, cookie)).toContain("No action applies to a terminated order.");
	});
});
