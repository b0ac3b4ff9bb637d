-- Whether a source stores and forwards a compressed body decompressed (see ingest-request.ts). Off for
-- every existing source: they keep forwarding bodies exactly as they came.
ALTER TABLE sources ADD COLUMN decompress INTEGER NOT NULL DEFAULT 0;
