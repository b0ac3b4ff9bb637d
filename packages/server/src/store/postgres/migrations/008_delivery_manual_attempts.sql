-- Manual resends recorded per delivery, so a resend's attempt number follows every attempt before it and
-- the next scheduled one follows the resend (they shared a number). Existing deliveries start at 0: their
-- past resends keep the numbers they were given. A constant default makes ADD COLUMN a catalog-only
-- change, no table rewrite.
ALTER TABLE deliveries ADD COLUMN manual_attempts integer NOT NULL DEFAULT 0;
