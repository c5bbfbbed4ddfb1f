import { app } from "./api/app";
import { consume } from "./ops/consumer";

export { OrderObject } from "./order/order-object";

const worker: ExportedHandler<Env> = {
	fetch: app.fetch,
	queue: consume,
};

export default worker;
