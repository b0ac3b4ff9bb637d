-- The W3C traceparent of the request that stored a message (ingest or publish), when tracing was on, so
-- the worker that delivers it, possibly in another process and much later, joins the same trace.
-- Nullable and without a default: ADD COLUMN is then a catalog-only change, no table rewrite.
ALTER TABLE messages ADD COLUMN trace_parent text;
