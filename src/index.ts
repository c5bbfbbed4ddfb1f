import { app } from "./api/app";

export { OrderObject } from "./order/order-object";

export default app;
