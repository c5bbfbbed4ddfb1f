-- The console's reads, bounded by indexes: an order found by its id (exactly or by how it starts) without
-- its tenant, and the last day's finished orders by the time they finished (the home page's chart).
CREATE INDEX orders_by_id ON orders (id, tenant);
CREATE INDEX orders_by_status_updated ON orders (status, updated_at);
