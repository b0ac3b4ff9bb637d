/** Stable codes for every expected store failure; the API maps them to HTTP statuses. */
export type StoreErrorCode =
  | 'not_found'
  | 'conflict'
  | 'value_too_large'
  | 'invalid_cursor'
  | 'invalid_argument'
  | 'unavailable'
  | 'disk_full'
  | 'locked'
  | 'closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  override readonly cause: unknown;

  constructor(code: StoreErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.cause = cause;
  }
}

export function isStoreError(value: unknown, code?: StoreErrorCode): value is StoreError {
  return value instanceof StoreError && (code === undefined || value.code === code);
}
