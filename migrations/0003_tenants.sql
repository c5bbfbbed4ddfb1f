-- Tenants: an order's identity in the index is (tenant, order id); `workflow_id` names its object.
-- Rows from before tenants belong to the default tenant, whose workflow ids are the order ids.
CREATE TABLE orders_by_tenant (
	tenant TEXT NOT NULL DEFAULT 'default',
	id TEXT NOT NULL,
	workflow_id TEXT NOT NULL,
	status TEXT NOT NULL,
	current_step TEXT,
	failure_code TEXT,
	needs_attention INTEGER NOT NULL DEFAULT 0,
	total_cents INTEGER NOT NULL,
	currency TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL,
	due_at INTEGER,
	open_episode TEXT,
	swept_at INTEGER,
	PRIMARY KEY (tenant, id)
);
INSERT INTO orders_by_tenant (tenant, id, workflow_id, status, current_step, failure_code, needs_attention, total_cents,
	currency, created_at, updated_at, version, due_at, open_episode, swept_at)
SELECT 'default', id, id, status, current_step, failure_code, needs_attention, total_cents, currency, created_at, updated_at,
	version, due_at, open_episode, swept_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_by_tenant RENAME TO orders;
CREATE UNIQUE INDEX orders_by_workflow ON orders (workflow_id);
CREATE INDEX orders_by_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_by_status ON orders (status, created_at DESC, id DESC);
CREATE INDEX orders_by_tenant_created ON orders (tenant, created_at DESC, id DESC);
CREATE INDEX orders_by_due ON orders (due_at) WHERE due_at IS NOT NULL;

ALTER TABLE dead_letters ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
CREATE INDEX dead_letters_by_tenant ON dead_letters (tenant, status, created_at DESC, id DESC);
ALTER TABLE alerts ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
