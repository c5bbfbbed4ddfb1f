import { app } from "./api/app";
import { consume } from "./ops/consumer";
import { sweep } from "./ops/sweeper";

export { DownstreamBreaker } from "./ops/breaker";
export { OrderObject } from "./order/order-object";

const worker: ExportedHandler<Env> = {
	fetch: app.fetch,
	queue: consume,
	scheduled: async (controller, env) => {
		await sweep(env, controller.scheduledTime);
	},
};

export default worker;
