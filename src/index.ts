import { app } from "./api/app";
import { startupProblem } from "./config/startup";
import { opsConsole } from "./console";
import { pruneSessions } from "./console/session-store";
import { consume } from "./ops/consumer";
import { sweep } from "./ops/sweeper";

export { StreamQuota } from "./api/stream-quota";
export { DownstreamBreaker } from "./ops/breaker";
export { OrderObject } from "./order/order-object";

// The console sits on top of the API: the same Worker, its own pages, no part of the OpenAPI document.
app.route("/ops", opsConsole);

/**
 * Every entry point first checks that the Worker can work at all (the configuration, each bad setting
 * named, and the database's migrations): requests are answered 500 saying what is wrong (in the app),
 * queue messages are retried later rather than failed one by one, a sweep is skipped; each logs why.
 * The order's object checks the configuration as it starts (order-object.ts), for its alarm.
 */
const worker: ExportedHandler<Env> = {
	fetch: app.fetch,
	queue: async (batch, env) => {
		const problem = await startupProblem(env);
		if (problem) {
			console.error(`queue ${batch.queue}: ${batch.messages.length} messages retried later, not handled: ${problem}`);
			batch.retryAll();
			return;
		}
		await consume(batch, env);
	},
	scheduled: async (controller, env) => {
		const problem = await startupProblem(env);
		if (problem) {
			console.error(`cron ${controller.cron}: sweep skipped: ${problem}`);
			return;
		}
		await sweep(env, controller.scheduledTime);
		await pruneSessions(env.DB, controller.scheduledTime);
	},
};

export default worker;
