import { app } from "./api/app";
import { opsConsole } from "./console";
import { pruneSessions } from "./console/session-store";
import { consume } from "./ops/consumer";
import { sweep } from "./ops/sweeper";

export { StreamQuota } from "./api/stream-quota";
export { DownstreamBreaker } from "./ops/breaker";
export { OrderObject } from "./order/order-object";

// The console sits on top of the API: the same Worker, its own pages, no part of the OpenAPI document.
app.route("/ops", opsConsole);

const worker: ExportedHandler<Env> = {
	fetch: app.fetch,
	queue: consume,
	scheduled: async (controller, env) => {
		await sweep(env, controller.scheduledTime);
		await pruneSessions(env.DB, controller.scheduledTime);
	},
};

export default worker;
