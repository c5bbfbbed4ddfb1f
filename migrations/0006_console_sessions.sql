-- Console sessions, recorded on the server: a cookie proves which session it is, this row whether it is
-- still going. `id` is the SHA-256 of the cookie's random session id, never the id itself.
CREATE TABLE console_sessions (
	id TEXT PRIMARY KEY,
	key_name TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	ended_at INTEGER,
	ended_reason TEXT
);
CREATE INDEX console_sessions_by_key ON console_sessions (key_name, ended_at, expires_at);
