-- Whether a source stores and forwards a compressed body decompressed (see ingest-request.ts). Off for
-- every existing source: they keep forwarding bodies exactly as they came. A constant default makes
-- ADD COLUMN a catalog-only change, no table rewrite.
ALTER TABLE sources ADD COLUMN decompress boolean NOT NULL DEFAULT false;
