import { StoreError, type StoreErrorCode } from '../store-error.ts';

// SQLSTATE classes and codes we expect; anything else is a bug and is rethrown untouched.
const SQLSTATE: Record<string, StoreErrorCode> = {
  '23505': 'conflict',
  '40001': 'conflict',
  '40P01': 'conflict',
  '22001': 'value_too_large',
  '54000': 'value_too_large',
  '54001': 'value_too_large',
  '22P02': 'invalid_argument',
  '22021': 'invalid_argument',
  '22003': 'invalid_argument',
  '23502': 'invalid_argument',
  '23514': 'invalid_argument',
  '53100': 'disk_full',
  '55P03': 'locked',
  '57014': 'unavailable', // statement timeout / cancel
  '57P01': 'unavailable', // admin shutdown, pg_terminate_backend
  '57P02': 'unavailable',
  '57P03': 'unavailable', // cannot connect now (starting up)
  '53300': 'unavailable', // too many connections
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

// pg reports lost connections and its own timeouts as plain Errors; these are their messages.
const NETWORK_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'connection error',
  'Connection ended',
  'not queryable',
  'Client was closed',
];

/**
 * True when the connection itself failed (unreachable, reset, refused, terminated, too many clients), as
 * opposed to a statement that was refused or timed out on a live server: only these open the breaker.
 */
export function isConnectionFailure(error: unknown): boolean {
  const cause = error instanceof StoreError ? error.cause : error;
  if (!(cause instanceof Error)) return false;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08')) return true;
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return false;
  }
  return NETWORK_MESSAGES.some((m) => cause.message.includes(m));
}

/**
 * Maps a `pg` or socket error to a coded `StoreError`; returns other errors unchanged (they are bugs and
 * should surface as such).
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    const mapped = SQLSTATE[code] ?? (code.startsWith('08') ? 'unavailable' : undefined);
    if (mapped) return new StoreError(mapped, `hookline store (postgres): ${error.message}`, error);
    if (NETWORK_CODES.has(code)) {
      return new StoreError(
        'unavailable',
        `hookline store (postgres): database unreachable (${code})`,
        error,
      );
    }
  }
  if (NETWORK_MESSAGES.some((m) => error.message.includes(m))) {
    return new StoreError('unavailable', `hookline store (postgres): ${error.message}`, error);
  }
  return error;
}

/** True for errors that map to `unavailable` (connection failures and statement timeouts). */
export function isUnavailable(error: unknown): boolean {
  const mapped = toStoreError(error);
  return mapped instanceof StoreError && mapped.code === 'unavailable';
}
