-- The provider URL-registration handshake a source answers (Meta, X, Zoom, Microsoft Graph, Dropbox,
-- Okta; see provider-handshakes.ts), or NULL for none: every existing source answers none. A nullable
-- column without a default is a catalog-only change, no table rewrite.
ALTER TABLE sources ADD COLUMN handshake jsonb;
