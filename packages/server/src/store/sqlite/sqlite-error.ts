import { StoreError } from '../store-error.ts';

// Primary SQLite result codes (https://sqlite.org/rescode.html); node:sqlite reports the extended code
// in `errcode`, whose low byte is the primary one.
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_NOMEM = 7;
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_TOOBIG = 18;
const SQLITE_CONSTRAINT = 19;

function errcodeOf(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'errcode' in error) {
    const code = (error as { errcode: unknown }).errcode;
    if (typeof code === 'number') return code & 0xff;
  }
  return null;
}

/** Maps a node:sqlite failure to a coded StoreError, so callers never see a raw driver error. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  switch (errcodeOf(error)) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new StoreError('locked', `sqlite: database is locked (${message})`, error);
    case SQLITE_FULL:
      return new StoreError('disk_full', `sqlite: database or disk is full (${message})`, error);
    case SQLITE_TOOBIG:
      return new StoreError('value_too_large', `sqlite: value too large (${message})`, error);
    case SQLITE_CONSTRAINT:
      return new StoreError('conflict', `sqlite: constraint failed (${message})`, error);
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_CANTOPEN:
      return new StoreError('unavailable', `sqlite: ${message}`, error);
    default:
      return new StoreError('unavailable', `sqlite: ${message}`, error);
  }
}
