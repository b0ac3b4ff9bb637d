-- Hookline on PostgreSQL: the initial schema.
-- Times are bigint milliseconds since the epoch (as on SQLite), so cursors and comparisons never depend on
-- an engine's date type. Ids are time-sortable text (see src/ids.ts), so keyset pagination orders by id.

CREATE TABLE messages (
  id text PRIMARY KEY,
  tenant text,
  event_type text NOT NULL,
  event_id text,
  channels text[] NOT NULL DEFAULT '{}',
  source_id text,
  sub_path text,
  headers jsonb NOT NULL DEFAULT '{}',
  content_type text NOT NULL,
  body bytea,
  idempotency_key text,
  dedup_key text,
  created_at bigint NOT NULL
);
-- Idempotency is the database's job: ON CONFLICT DO NOTHING against these, never check-then-insert.
CREATE UNIQUE INDEX messages_idempotency_key ON messages ((coalesce(tenant, '')), idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX messages_dedup_key ON messages (source_id, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX messages_tenant ON messages (tenant, id) WHERE tenant IS NOT NULL;
CREATE INDEX messages_event_type ON messages (event_type, id);
CREATE INDEX messages_source ON messages (source_id, id) WHERE source_id IS NOT NULL;
CREATE INDEX messages_created_at ON messages (created_at);
CREATE INDEX messages_channels ON messages USING gin (channels);
-- Retention walks only the messages that still hold a payload.
CREATE INDEX messages_payload_expiry ON messages (created_at) WHERE body IS NOT NULL;

-- No foreign key to messages: a delivery is only ever created in the statement that inserts its message, or
-- from a SELECT on messages (ensureDelivery), and messages are never deleted (retention clears bodies).
-- The key's per-row check and FOR KEY SHARE lock on the message cost ~15-20 % of grouped insert
-- throughput here (~13,000 → ~15,000 messages/s, three deliveries each).
CREATE TABLE deliveries (
  id text PRIMARY KEY,
  message_id text NOT NULL,
  endpoint_id text NOT NULL,
  tenant text,
  status text NOT NULL CHECK (status IN ('pending', 'in_flight', 'succeeded', 'failed', 'exhausted', 'cancelled')),
  attempt_count integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  next_attempt_at bigint,
  lease_expires_at bigint,
  lease_token bigint NOT NULL DEFAULT 0,
  worker_id text,
  -- When the row becomes claimable: next_attempt_at while pending/failed, lease_expires_at while in flight,
  -- null once finished. One column gives the claim one small partial index to walk in due order instead
  -- of an OR over two conditions.
  due_at bigint,
  last_status_code integer,
  last_error text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  completed_at bigint,
  UNIQUE (message_id, endpoint_id)
);
-- Every claim and completion rewrites its row with a new due_at/status, so no update is HOT and each one
-- adds an entry to every index whose predicate the new row matches: deliveries keep few indexes, and the
-- status and retention ones are partial. (Dropping a full status index and two others raised
-- claim+complete from ~8,000 to ~19,000 deliveries/s on this 2-core machine.) Listing by status walks the partial
-- index for the rare states and the primary key for the common ones; time ranges follow id order.
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id);
CREATE INDEX deliveries_unhappy ON deliveries (status, id) WHERE status IN ('failed', 'exhausted', 'cancelled');
CREATE INDEX deliveries_tenant ON deliveries (tenant, id) WHERE tenant IS NOT NULL;
-- Retention deletes finished deliveries only; this index holds nothing else.
CREATE INDEX deliveries_finished ON deliveries (updated_at)
  WHERE status IN ('succeeded', 'exhausted', 'cancelled');

CREATE TABLE attempts (
  id text PRIMARY KEY,
  delivery_id text NOT NULL,
  message_id text NOT NULL,
  endpoint_id text NOT NULL,
  attempt_number integer NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
  url text NOT NULL,
  request_headers jsonb NOT NULL DEFAULT '{}',
  response_status integer,
  response_headers jsonb NOT NULL DEFAULT '{}',
  response_body text,
  duration_ms integer NOT NULL,
  error_kind text NOT NULL,
  error_message text,
  created_at bigint NOT NULL
);
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
CREATE INDEX attempts_message ON attempts (message_id, id);
CREATE INDEX attempts_endpoint ON attempts (endpoint_id, id);
CREATE INDEX attempts_created_at ON attempts (created_at);

CREATE TABLE endpoints (
  id text PRIMARY KEY,
  tenant text,
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  disabled boolean NOT NULL DEFAULT false,
  disabled_reason text,
  event_types jsonb,
  channels jsonb,
  sources jsonb,
  payload_filter jsonb,
  headers jsonb NOT NULL DEFAULT '{}',
  timeout_ms integer NOT NULL,
  retry_schedule jsonb,
  rate_limit_per_second double precision,
  max_concurrency integer,
  signing jsonb NOT NULL,
  secrets jsonb NOT NULL DEFAULT '[]',
  failing_since bigint,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX endpoints_tenant ON endpoints (tenant, id);

CREATE TABLE sources (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  token text NOT NULL UNIQUE,
  tenant text,
  verification jsonb NOT NULL,
  secrets jsonb NOT NULL DEFAULT '[]',
  tolerance_seconds integer NOT NULL,
  max_body_bytes integer NOT NULL,
  content_types jsonb,
  require_json boolean NOT NULL,
  response jsonb NOT NULL,
  event_type_rule jsonb NOT NULL,
  dedup_rule jsonb NOT NULL,
  alias text UNIQUE,
  disabled boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX sources_tenant ON sources (tenant, id);

CREATE TABLE event_types (
  name text PRIMARY KEY,
  description text NOT NULL DEFAULT '',
  schema jsonb,
  enforce_schema boolean NOT NULL DEFAULT false,
  examples jsonb NOT NULL DEFAULT '[]',
  archived boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  scopes jsonb NOT NULL,
  tenant text,
  created_at bigint NOT NULL,
  last_used_at bigint,
  revoked_at bigint
);

CREATE INDEX api_keys_tenant ON api_keys (tenant, id);

CREATE TABLE meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

-- Counters bumped inside the transaction that changes what they count (endpoints_version: routers cache
-- the active endpoints and refresh when it changes).
CREATE TABLE counters (
  name text PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO counters (name, value) VALUES ('endpoints_version', 0);
