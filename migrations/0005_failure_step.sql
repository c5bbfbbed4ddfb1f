-- The step an order failed at, so operators (and bulk redrive) can pick the orders a downstream outage stopped.
ALTER TABLE orders ADD COLUMN failure_step TEXT;
CREATE INDEX orders_by_failure ON orders (status, failure_step, failure_code);
