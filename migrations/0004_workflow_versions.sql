-- Workflow versions: the version each order runs on, so operators see what is in flight on each
-- before deleting an old one. Rows from before versions ran on version 1.
ALTER TABLE orders ADD COLUMN workflow_version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX orders_by_workflow_version ON orders (workflow_version, status);
