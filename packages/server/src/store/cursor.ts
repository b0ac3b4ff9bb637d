import { StoreError } from './store-error.ts';

// Version 1 cursors carried no list; they were issued before 2 and are still read, unchecked.
const CURSOR_VERSION = 2;

/**
 * An opaque cursor: base64url of `[version, lastKey, list]`, the same on every engine. `list` (the
 * table paged) ties it to its list: a messages cursor sent to the deliveries list would otherwise be
 * read as a bound on delivery ids and silently page from the wrong place.
 */
export function encodeCursor(key: string, list: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, key, list])).toString('base64url');
}

/** The key a cursor of `list` carries; `invalid_cursor` for anything this store did not produce for it. */
export function decodeCursor(cursor: string, list: string): string {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new StoreError('invalid_cursor', 'cursor is not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new StoreError('invalid_cursor', 'malformed cursor', error);
  }
  if (!Array.isArray(parsed)) throw new StoreError('invalid_cursor', 'malformed cursor');
  const [version, key, issuedBy] = parsed as unknown[];
  const ok =
    typeof key === 'string' &&
    key.length > 0 &&
    ((version === 1 && parsed.length === 2) ||
      (version === CURSOR_VERSION && parsed.length === 3 && typeof issuedBy === 'string'));
  if (!ok) throw new StoreError('invalid_cursor', 'malformed cursor');
  if (issuedBy !== undefined && issuedBy !== list) {
    throw new StoreError(
      'invalid_cursor',
      `this cursor pages the ${String(issuedBy).replaceAll('_', ' ')} list, not the ${list.replaceAll('_', ' ')} list`,
    );
  }
  return key;
}

/** The list a `FROM` clause pages: its table, without an alias (`messages m` → `messages`). */
export function listOf(from: string): string {
  return from.trim().split(/\s+/, 1)[0] ?? from;
}

/** The page size: 1–1000, default 50. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new StoreError('invalid_argument', `limit must be an integer from 1 to 1000, got ${limit}`);
  }
  return limit;
}
