import { Hono } from "hono";
import { isoTime } from "../engine/time";
import { CONSOLE_PATHS } from "../ops/console-paths";
import { navCounts } from "./counts";
import { When } from "./format";
import { type ConsoleEnv, requireSession } from "./guard";
import { Layout } from "./layout";
import { goingSessions, IDLE_TIMEOUT_MS, rowId, type SessionRecord } from "./session-store";

const SESSIONS_PATH = CONSOLE_PATHS.sessions;

const SessionTable = ({ sessions, mine }: { sessions: SessionRecord[]; mine: string }) => (
	<table>
		<thead>
			<tr>
				<th scope="col">Signed in</th>
				<th scope="col">Last request</th>
				<th scope="col">Ends at the latest</th>
				<th scope="col">Browser</th>
			</tr>
		</thead>
		<tbody>
			{sessions.map((s) => (
				<tr data-session={s.id === mine ? "this" : "other"}>
					<td data-label="Signed in">
						<When iso={isoTime(s.createdAt)} />
					</td>
					<td data-label="Last request">
						<When iso={isoTime(s.lastSeenAt)} />
					</td>
					<td data-label="Ends at the latest">
						<When iso={isoTime(s.expiresAt)} />
					</td>
					<td data-label="Browser">{s.id === mine ? "this one" : "another"}</td>
				</tr>
			))}
		</tbody>
	</table>
);

/** The signed-in key's sessions still going, and the way to end them all (a key left signed in somewhere). */
export const sessionsPage = new Hono<ConsoleEnv>().get("/sessions", requireSession("redirect"), async (c) => {
	const session = c.get("session");
	const [sessions, counts] = await Promise.all([
		goingSessions(c.env.DB, session.keyName, Date.now()),
		navCounts(c.env.DB),
	]);
	return c.html(
		<Layout title="Sessions" nonce={c.get("nonce")} signedIn={session} counts={counts} current={SESSIONS_PATH}>
			<p>
				{`Sessions of the key ${session.keyName} still going. Each ends when it signs out, after ${IDLE_TIMEOUT_MS / 60_000} minutes without a request, or 8 hours after it began.`}
			</p>
			<SessionTable sessions={sessions} mine={await rowId(session.sid)} />
			<form method="post" action={`${SESSIONS_PATH}/sign-out-all`} class="action">
				<input type="hidden" name="csrf" value={session.csrf} />
				<button type="submit" class="primary">
					Sign out every session of this key
				</button>
			</form>
		</Layout>,
	);
});
