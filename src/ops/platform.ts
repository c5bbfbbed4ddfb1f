/**
 * The platform as the code reaches it: the clock of each order's object, the queues it hands
 * messages to, the database the consumers write, and which breaker guards a downstream. In production each is the real one, untouched.
 * Tests run in the same isolate as the objects and consumers and put controlled ones in their place
 * (a clock per object that only moves when told, queues and a database that fail or hang on demand);
 * nothing else changes these.
 */
export const platform = {
	/**
	 * Now, in ms since the epoch, as `subject` sees it: an order's object (by its name, the workflow id),
	 * a breaker (by its name), a consumer's message (by the workflow id it is about).
	 */
	now: (_subject: string): number => Date.now(),
	/**
	 * The configuration an object runs with: an order's (by its workflow id), a breaker's (by its name).
	 * Tests deploy another between two wakes, and give a simulated fleet its own breaker thresholds.
	 */
	config: (env: object, _subject: string): object => env,
	/** The workflow versions the code has, as an order's object (by its name) sees them: tests add and remove versions. */
	workflows: <V>(versions: V, _workflowId: string): V => versions,
	/** The queue binding an order's object sends through; the order by its workflow id. */
	queue: <Body>(queue: Queue<Body>, _workflowId: string): Queue<Body> => queue,
	/** The database a consumer or the sweeper writes, for work on these orders (by workflow id). */
	database: (db: D1Database, _workflowIds: readonly string[]): D1Database => db,
	/** How a workflow's question to its breaker goes: tests hold it back, or its answer, to land requests meanwhile. */
	admission: <T>(_workflowId: string, ask: () => Promise<T>): Promise<T> => ask(),
	/** The name of the breaker object guarding `downstream` for this workflow: one per downstream. */
	breaker: (downstream: string, _workflowId: string): string => downstream,
	/**
	 * A round trip the code makes beside its own work, by what it is about (a workflow, a key): a breaker
	 * asked or told, a rate limit checked. Nothing in production; tests hold each order to a budget of them.
	 */
	count: (_roundTrip: "breaker" | "rate-limit" | "wake", _subject: string): void => undefined,
	/** Where structured log lines go: Workers Logs, through the console. */
	log: (line: Record<string, unknown>): void => console.log(JSON.stringify(line)),
};
