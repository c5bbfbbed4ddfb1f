import { describe, expect, it } from "vitest";
import { CHROMIUM, signIn, useBrowser } from "./console";
import { KEYS, OPERATOR_NAME } from "./keys";

describe.skipIf(!CHROMIUM)("signing in to the console", () => {
	const browser = useBrowser();

	it("an operator key signs in; signing out ends the session", async () => {
		const page = browser.page();
		await signIn(page);
		await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
		expect(await page.getByText(`operator:${OPERATOR_NAME}`).isVisible()).toBe(true);
		const [cookie] = await page.context().cookies();
		expect(cookie).toMatchObject({ name: "ops_session", httpOnly: true, sameSite: "Strict", path: "/ops" });
		expect(cookie?.value).not.toContain(KEYS.operator);

		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForURL("**/ops/sign-in?signed-out");
		expect(await page.getByRole("status").textContent()).toContain("You are signed out.");
		expect(await page.context().cookies()).toEqual([]);
		await page.goto("/ops/orders");
		expect(new URL(page.url()).pathname).toBe("/ops/sign-in");
	});

	it("a client key is refused with a message, and no session", async () => {
		const page = browser.page();
		await page.goto("/ops/sign-in");
		await page.getByLabel("Operator key").fill(KEYS.client);
		const answer = page.waitForResponse((r) => r.url().endsWith("/ops/sign-in") && r.request().method() === "POST");
		await page.getByRole("button", { name: "Sign in" }).click();
		expect((await answer).status()).toBe(403);
		expect(await page.getByRole("alert").textContent()).toContain("That is a client key");
		expect(await page.context().cookies()).toEqual([]);
	});
});
