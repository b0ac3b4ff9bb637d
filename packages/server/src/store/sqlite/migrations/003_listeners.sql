-- `hookline listen` sessions record the local app's answers as attempts. A listener is not an endpoint: the
-- router never sees it (it is not in `endpoints`), so no message gets a delivery to it by routing; its
-- deliveries are written only when the CLI reports a forward, always in a final state (succeeded or
-- exhausted, never due), so no worker ever claims them. One row per (tenant, name), created on first report.
CREATE TABLE listeners (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  name TEXT NOT NULL,
  forward_url TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
-- NULL tenants must clash too, hence coalesce (as for messages' idempotency keys).
CREATE UNIQUE INDEX listeners_name ON listeners (coalesce(tenant, ''), name);

-- Attempts gain the trigger 'cli'. SQLite cannot change a CHECK in place, so the table is rebuilt (one
-- copy of the rows, inside the migration's transaction); the indexes go with the old table and are made again.
CREATE TABLE attempts_next (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  attempt_number INTEGER NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'cli')),
  url TEXT NOT NULL,
  request_headers TEXT NOT NULL,
  response_status INTEGER,
  response_headers TEXT NOT NULL,
  response_body TEXT,
  duration_ms INTEGER NOT NULL,
  error_kind TEXT NOT NULL,
  error_message TEXT,
  created_at INTEGER NOT NULL
);
INSERT INTO attempts_next SELECT id, delivery_id, message_id, endpoint_id, attempt_number, trigger, url,
  request_headers, response_status, response_headers, response_body, duration_ms, error_kind, error_message,
  created_at FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_next RENAME TO attempts;
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
CREATE INDEX attempts_message ON attempts (message_id, id);
CREATE INDEX attempts_endpoint ON attempts (endpoint_id, id);
CREATE INDEX attempts_created ON attempts (created_at);
