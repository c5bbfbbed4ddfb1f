import { describe, expect, it } from "vitest";
import { OPERATOR_KEY } from "../helpers";
import { consoleRequest, csrfOf, page, signIn } from "./console";

/** A console request answers what the sender got wrong, as a page, and never a 500. */
async function expectRefusedPage(response: Response, status: number) {
	expect(response.status).toBe(status);
	expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
	expect(await response.text()).toMatch(/role="alert"/);
}

describe("requests the console cannot read are the sender's mistake, never a 500", () => {
	it("a malformed multipart body on sign-in (no key needed): 400, no session", async () => {
		const response = await consoleRequest("/ops/sign-in", {
			method: "POST",
			headers: { "Content-Type": "multipart/form-data; boundary=x" },
			body: '--x\r\nContent-Disposition: form-data; name="key"\r\n\r\nnot closed',
		});
		await expectRefusedPage(response, 400);
		expect(response.headers.get("Set-Cookie")).toBeNull();
	});

	it("a malformed multipart body on a signed-in action: 400, nothing done", async () => {
		const cookie = await signIn();
		const response = await consoleRequest("/ops/downstreams/payments/pause", {
			method: "POST",
			cookie,
			headers: { "Content-Type": "multipart/form-data; boundary=x" },
			body: "--x\r\ngarbage",
		});
		await expectRefusedPage(response, 400);
		expect(await page("/ops/downstreams", cookie)).not.toContain("Resume payments");
	});

	it("a NUL or another control character in next=: back to the console's home, never a broken Location", async () => {
		for (const next of ["/ops/orders\u0000", "/ops/orders?x=\u0007", "/ops/\u0000/evil"]) {
			const response = await consoleRequest("/ops/sign-in", { form: { key: OPERATOR_KEY, next } });
			expect(response.status).toBe(303);
			expect(response.headers.get("Location")).toBe("/ops");
		}
		// Signed in already, the sign-in form sends a visitor straight on: the same rule.
		const cookie = await signIn();
		const again = await consoleRequest("/ops/sign-in?next=%2Fops%2Forders%00", { cookie });
		expect(again.status).toBe(303);
		expect(again.headers.get("Location")).toBe("/ops");
		// A sane next= is still honoured.
		const csrf = csrfOf(await page("/ops/orders", cookie));
		expect(csrf).toBeTruthy();
		const sane = await consoleRequest("/ops/sign-in?next=%2Fops%2Fdead-letters%3Fstatus%3Dclosed", { cookie });
		expect(sane.headers.get("Location")).toBe("/ops/dead-letters?status=closed");
	});
});
