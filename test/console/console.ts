import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { OPERATOR_KEY } from "../helpers";

/** The Worker's own origin in the tests: a console POST must come from it. */
export const ORIGIN = "https://orders.test";

interface ConsoleInit {
	method?: "GET" | "POST";
	/** A form's fields, sent as a browser sends a form. */
	form?: Record<string, string>;
	/** A raw body instead of a form, with its Content-Type in `headers`. */
	body?: string;
	cookie?: string;
	/** The Origin header of a POST; this Worker's own unless told otherwise, null for none. */
	origin?: string | null;
	/** Another origin to send the request to (a loopback host, say). */
	base?: string;
	headers?: Record<string, string>;
}

/** A request to the console as a browser would send it: a cookie, and for a POST a form and its Origin. */
export function consoleRequest(path: string, init: ConsoleInit = {}): Promise<Response> {
	const { method = init.form || init.body ? "POST" : "GET", form, cookie, base = ORIGIN, headers = {} } = init;
	const origin = init.origin === undefined ? base : init.origin;
	const all: Record<string, string> = { ...headers };
	if (cookie) all.Cookie = cookie;
	if (method === "POST" && origin !== null) all.Origin = origin;
	return exports.default.fetch(`${base}${path}`, {
		method,
		headers: all,
		body: form ? new URLSearchParams(form) : init.body,
		redirect: "manual",
	});
}

/** The `name=value` part of the session cookie a sign-in set. */
export function sessionCookieOf(response: Response): string {
	const header = response.headers.get("Set-Cookie") ?? "";
	const pair = /^(ops_session=[^;]*)/.exec(header)?.[1];
	if (!pair) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
	return pair;
}

/** Signs in with an operator key, as the sign-in form does; returns the cookie to send back. */
export async function signIn(key = OPERATOR_KEY): Promise<string> {
	const response = await consoleRequest("/ops/sign-in", { form: { key, next: "/ops/orders" } });
	expect(response.status, await response.clone().text()).toBe(303);
	return sessionCookieOf(response);
}

/** The CSRF token the page's forms carry: every console POST of this session must send it back. */
export function csrfOf(html: string): string {
	const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
	if (!token) throw new Error("no CSRF token on the page");
	return token;
}

/** A page of the console, signed in: its HTML, having checked it is a page (200, HTML). */
export async function page(path: string, cookie: string): Promise<string> {
	const response = await consoleRequest(path, { cookie });
	expect(response.status, path).toBe(200);
	expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
	return response.text();
}

/** Posts one of the order page's action forms, with this session's token and a reason. */
export async function postAction(
	orderId: string,
	action: "retry" | "cancel" | "resolve" | "pause" | "resume" | "terminate",
	cookie: string,
	fields: Record<string, string> = {},
): Promise<Response> {
	const csrf = csrfOf(await page(`/ops/orders/default/${orderId}`, cookie));
	return consoleRequest(`/ops/orders/default/${orderId}/${action}`, {
		cookie,
		form: { csrf, reason: `console ${action}`, ...fields },
	});
}
