-- `hookline listen` sessions record the local app's answers as attempts. A listener is not an endpoint: the
-- router never sees it (it is not in `endpoints`), so no message gets a delivery to it by routing; its
-- deliveries are written only when the CLI reports a forward, always in a final state (succeeded or
-- exhausted, due_at null), so no worker ever claims them. One row per (tenant, name), created on first report.
CREATE TABLE listeners (
  id text PRIMARY KEY,
  tenant text,
  name text NOT NULL,
  forward_url text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL
);
-- NULL tenants must clash too, hence coalesce (as for messages' idempotency keys).
CREATE UNIQUE INDEX listeners_name ON listeners ((coalesce(tenant, '')), name);

-- Attempts gain the trigger 'cli'. The new check is a superset of the old one, so validating it (a scan under
-- the migration's lock) cannot fail on existing rows.
ALTER TABLE attempts DROP CONSTRAINT attempts_trigger_check,
  ADD CONSTRAINT attempts_trigger_check CHECK (trigger IN ('scheduled', 'manual', 'cli'));
