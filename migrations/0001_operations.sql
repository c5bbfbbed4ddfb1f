-- The order index: one row per order, kept current from each order's object through the order-index queue.
-- The object stays the source of truth; `version` (its journal position) keeps late messages from going back in time.
CREATE TABLE orders (
	id TEXT PRIMARY KEY,
	status TEXT NOT NULL,
	current_step TEXT,
	failure_code TEXT,
	needs_attention INTEGER NOT NULL DEFAULT 0,
	total_cents INTEGER NOT NULL,
	currency TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL
);
CREATE INDEX orders_by_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_by_status ON orders (status, created_at DESC, id DESC);

-- One row per needs-attention episode, keyed by the notification id, so a redelivered message adds nothing.
CREATE TABLE dead_letters (
	id TEXT PRIMARY KEY,
	order_id TEXT NOT NULL,
	step TEXT NOT NULL,
	code TEXT NOT NULL,
	message TEXT NOT NULL,
	attempts INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'open',
	closed_at INTEGER,
	closed_by TEXT,
	closed_action TEXT,
	closed_reason TEXT
);
CREATE INDEX dead_letters_by_status ON dead_letters (status, created_at DESC, id DESC);
CREATE INDEX dead_letters_by_order ON dead_letters (order_id);

-- Every alert, delivered or not: exactly one webhook delivery per alert id.
CREATE TABLE alerts (
	id TEXT PRIMARY KEY,
	order_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	delivered_at INTEGER,
	last_error TEXT
);
