-- The provider URL-registration handshake a source answers (Meta, X, Zoom, Microsoft Graph, Dropbox,
-- Okta; see provider-handshakes.ts), as JSON, or NULL for none: every existing source answers none.
ALTER TABLE sources ADD COLUMN handshake TEXT;
