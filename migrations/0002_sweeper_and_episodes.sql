-- The sweeper (a Cron Trigger) reconciles the index with the order objects: `due_at` is when each order
-- next has something due, `open_episode` the dead letter it must have, `swept_at` when the sweeper last looked.
ALTER TABLE orders ADD COLUMN due_at INTEGER;
ALTER TABLE orders ADD COLUMN open_episode TEXT;
ALTER TABLE orders ADD COLUMN swept_at INTEGER;
CREATE INDEX orders_by_due ON orders (due_at) WHERE due_at IS NOT NULL;

-- An alert is claimed before its webhook is posted, so two deliveries of one message at once post it once.
ALTER TABLE alerts ADD COLUMN claimed_at INTEGER;
