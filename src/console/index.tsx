import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_BODY_BYTES } from "../api/body";
import { ApiError } from "../api/problem";
import { configured } from "../config/startup";
import { bulkPages } from "./bulk-pages";
import { deadLettersPage } from "./dead-letters-page";
import { downstreamsPage } from "./downstreams-page";
import { type ConsoleEnv, consoleHeaders, requireSession, sameOrigin } from "./guard";
import { homePage } from "./home-page";
import { Layout, Notice } from "./layout";
import { orderPages } from "./order-page";
import { ordersPage } from "./orders-page";
import { sessionsPage } from "./sessions-page";
import { HOME, signIn } from "./sign-in";

/**
 * The operations console, served under /ops by the same Worker: pages rendered on the server with
 * Hono's JSX, a session cookie instead of a bearer key, and no part of the OpenAPI document.
 */
export const opsConsole = new Hono<ConsoleEnv>();

// A form is a few hundred bytes: a body past the API's limit is refused as it streams in, as the API's are.
const formLimit = bodyLimit({
	maxSize: MAX_BODY_BYTES,
	onError: () => {
		throw new ApiError(413, "body-too-large", `A form must not exceed ${MAX_BODY_BYTES} bytes; nothing was done.`);
	},
});

opsConsole.use(consoleHeaders, configured(), formLimit, sameOrigin);
opsConsole.route("/", homePage);
opsConsole.route("/", signIn);
opsConsole.use("/orders", requireSession("redirect"));
opsConsole.use("/dead-letters", requireSession("redirect"));
opsConsole.route("/", ordersPage);
opsConsole.route("/", bulkPages);
opsConsole.route("/", deadLettersPage);
opsConsole.route("/", downstreamsPage);
opsConsole.route("/", sessionsPage);
opsConsole.route("/", orderPages);

// Errors are pages here, not problem documents: a person reads them.
opsConsole.onError((error, c) => {
	const id = c.get("requestId");
	const known = error instanceof ApiError;
	if (!known) console.error(`request ${id}: unhandled error in ${c.req.method} ${c.req.path}`, error);
	const message = known ? error.detail : `Something went wrong; it was logged with request id ${id}.`;
	const signedIn = error instanceof ApiError && error.status === 401 ? undefined : c.get("session");
	return c.html(
		<Layout title={known ? "Not done" : "Error"} nonce={c.get("nonce")} signedIn={signedIn}>
			<Notice kind="error">{message}</Notice>
			<p>
				<a href={HOME}>Back to the overview</a>
			</p>
		</Layout>,
		known ? (error.status as ContentfulStatusCode) : 500,
		known ? error.extra.headers : undefined,
	);
});
