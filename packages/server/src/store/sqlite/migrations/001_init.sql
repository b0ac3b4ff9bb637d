-- Hookline store schema for SQLite. Times are integer milliseconds since the Unix epoch; ids are
-- time-sortable text (see src/ids.ts), so every list orders and pages by id alone.

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  event_type TEXT NOT NULL,
  event_id TEXT,
  channels TEXT NOT NULL DEFAULT '[]',
  source_id TEXT,
  sub_path TEXT,
  headers TEXT NOT NULL DEFAULT '{}',
  content_type TEXT NOT NULL,
  body BLOB,
  idempotency_key TEXT,
  dedup_key TEXT,
  created_at INTEGER NOT NULL
);
-- NULL tenants must clash too, hence coalesce: a plain (tenant, key) index treats NULLs as distinct.
CREATE UNIQUE INDEX messages_idempotency ON messages (coalesce(tenant, ''), idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX messages_dedup ON messages (source_id, dedup_key)
  WHERE dedup_key IS NOT NULL AND source_id IS NOT NULL;
CREATE INDEX messages_tenant ON messages (tenant, id) WHERE tenant IS NOT NULL;
CREATE INDEX messages_event_type ON messages (event_type, id);
CREATE INDEX messages_source ON messages (source_id, id) WHERE source_id IS NOT NULL;
-- Retention finds bodies to clear without scanning cleared rows.
CREATE INDEX messages_payload_age ON messages (created_at) WHERE body IS NOT NULL;

-- WITHOUT ROWID: rows are small and always found by their text id, so the table is its own primary-key
-- b-tree and each insert maintains one b-tree fewer.
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages (id),
  endpoint_id TEXT NOT NULL,
  tenant TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'succeeded', 'failed', 'exhausted', 'cancelled')),
  attempt_count INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  next_attempt_at INTEGER,
  lease_expires_at INTEGER,
  lease_token INTEGER NOT NULL DEFAULT 0,
  worker_id TEXT,
  last_status_code INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER
) WITHOUT ROWID;
CREATE UNIQUE INDEX deliveries_message_endpoint ON deliveries (message_id, endpoint_id);
-- The claim query's index: only waiting rows, ordered by due time.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'failed');
CREATE INDEX deliveries_lease ON deliveries (lease_expires_at) WHERE status = 'in_flight';
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id);
CREATE INDEX deliveries_finished ON deliveries (updated_at) WHERE status IN ('succeeded', 'exhausted', 'cancelled');

CREATE TABLE attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  attempt_number INTEGER NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
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
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
CREATE INDEX attempts_message ON attempts (message_id, id);
CREATE INDEX attempts_endpoint ON attempts (endpoint_id, id);
CREATE INDEX attempts_created ON attempts (created_at);

CREATE TABLE endpoints (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  url TEXT NOT NULL,
  description TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  disabled_reason TEXT,
  event_types TEXT,
  channels TEXT,
  sources TEXT,
  payload_filter TEXT,
  headers TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  retry_schedule TEXT,
  rate_limit_per_second REAL,
  max_concurrency INTEGER,
  signing TEXT NOT NULL,
  secrets TEXT NOT NULL,
  failing_since INTEGER,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX endpoints_tenant ON endpoints (tenant, id);

CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token TEXT NOT NULL UNIQUE,
  tenant TEXT,
  verification TEXT NOT NULL,
  secrets TEXT NOT NULL,
  tolerance_seconds INTEGER NOT NULL,
  max_body_bytes INTEGER NOT NULL,
  content_types TEXT,
  require_json INTEGER NOT NULL,
  response TEXT NOT NULL,
  event_type_rule TEXT NOT NULL,
  dedup_rule TEXT NOT NULL,
  alias TEXT UNIQUE,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sources_tenant ON sources (tenant, id);

CREATE TABLE event_types (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  schema TEXT,
  enforce_schema INTEGER NOT NULL,
  examples TEXT NOT NULL,
  archived INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes TEXT NOT NULL,
  tenant TEXT,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys (tenant, id);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Counters bumped inside the transaction that changes what they count.
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('endpoints_version', 0);
