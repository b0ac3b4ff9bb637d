import { StoreError } from './store-error.ts';

const CURSOR_VERSION = 1;

/** An opaque cursor: base64url of `[version, lastKey]`, the same on every engine. */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, key])).toString('base64url');
}

/** The key a cursor carries; `invalid_cursor` for anything this store did not produce. */
export function decodeCursor(cursor: string): string {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new StoreError('invalid_cursor', 'cursor is not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new StoreError('invalid_cursor', 'malformed cursor', error);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    parsed[0] !== CURSOR_VERSION ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0
  ) {
    throw new StoreError('invalid_cursor', 'malformed cursor');
  }
  return parsed[1];
}

/** The page size: 1–1000, default 50. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new StoreError('invalid_argument', `limit must be an integer from 1 to 1000, got ${limit}`);
  }
  return limit;
}
