/**
 * The newest D1 migration this code needs (migrations/). A database without it is missing tables or
 * columns the code reads: the Worker refuses to serve rather than fail on whichever request meets it
 * first. `test/unit/configuration.test.ts` holds it to the newest file in migrations/.
 */
export const LATEST_MIGRATION = "0007_console_indexes.sql";

/** After finding the migrations missing, how long before asking the database again, in ms. */
const RECHECK_MS = 10_000;

/** Once this isolate saw the database migrated it stays so; until then, what it last saw and when. */
let migrated = false;
let last: { at: number; problem: string | null } | null = null;

const missing = () =>
	`the D1 database (binding DB) lacks migration ${LATEST_MIGRATION}: apply the migrations before traffic, with npm run wrangler -- d1 migrations apply DB --remote (and --env staging or --env production)`;

/**
 * What is wrong with the database's schema, from the `d1_migrations` table `wrangler d1 migrations
 * apply` keeps: "missing", null when migrated, or "unknown" when the database could not be asked (D1
 * unreachable is not a missing migration; the requests that need it say so themselves).
 */
export async function schemaProblem(db: D1Database): Promise<string | "unknown" | null> {
	try {
		const row = await db.prepare("SELECT name FROM d1_migrations WHERE name = ?").bind(LATEST_MIGRATION).first();
		return row ? null : missing();
	} catch (error) {
		return String(error).includes("no such table") ? missing() : "unknown";
	}
}

/**
 * {@link schemaProblem}, asked once per isolate once the database is migrated, and at most every
 * 10 s until then (so a migration applied after the deploy is noticed without one): the problem, or
 * null when nothing is known to be wrong.
 */
export async function checkedSchema(db: D1Database, now = Date.now()): Promise<string | null> {
	if (migrated) return null;
	if (last && now - last.at < RECHECK_MS) return last.problem;
	const answer = await schemaProblem(db);
	migrated = answer === null;
	const problem = answer === "unknown" ? null : answer;
	if (problem && !last?.problem) console.error(`saga-edge: ${problem}`);
	last = { at: now, problem };
	return problem;
}
