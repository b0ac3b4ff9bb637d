-- Endpoint health (GET /v1/endpoints/{id}/health, the dashboard's endpoint rows and overview): counts over a
-- window, the last success and the last failure of one endpoint, each an index-only range or a single seek.
-- Every attempt lands in exactly one of the two partial indexes (attempts are never updated), so together
-- they cost one index entry per attempt.
CREATE INDEX attempts_endpoint_ok ON attempts (endpoint_id, created_at) WHERE error_kind = 'none';
CREATE INDEX attempts_endpoint_failed ON attempts (endpoint_id, created_at) WHERE error_kind <> 'none';
-- Unfinished deliveries per endpoint. Partial, like the other deliveries indexes: a finished row (nearly all
-- of them) never enters it, so completions add no entry here.
CREATE INDEX deliveries_endpoint_open ON deliveries (endpoint_id) WHERE status IN ('pending', 'in_flight', 'failed');
