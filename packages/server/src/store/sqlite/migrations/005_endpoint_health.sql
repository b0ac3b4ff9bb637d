-- Numbered after 003_listeners: its rebuild of attempts would otherwise drop the two attempts indexes below.
-- Endpoint health (GET /v1/endpoints/{id}/health, the dashboard's endpoint rows and overview): counts over a
-- window, the last success and the last failure of one endpoint, each an index range or a single seek.
-- Every attempt lands in exactly one of the two partial indexes, so together they cost one index entry per
-- attempt. The failed one carries error_kind so its window count is answered from the index alone (SQLite
-- does not treat `<>` as implied by the predicate for coverage).
CREATE INDEX attempts_endpoint_ok ON attempts (endpoint_id, created_at) WHERE error_kind = 'none';
CREATE INDEX attempts_endpoint_failed ON attempts (endpoint_id, created_at, error_kind) WHERE error_kind <> 'none';
-- Unfinished deliveries per endpoint; finished ones (nearly all rows) are not in it.
CREATE INDEX deliveries_endpoint_open ON deliveries (endpoint_id) WHERE status IN ('pending', 'in_flight', 'failed');
