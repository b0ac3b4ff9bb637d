import { INGEST_ONLY_ERRORS } from './ingest/ingest-errors.ts';
import { isStoreError, type StoreErrorCode } from './store/store-error.ts';

/**
 * The error catalog: every code the HTTP API and the ingest path can answer with, its status and its
 * default message. `docs/errors.md` documents each one; `errors.test.ts` fails when the two drift apart,
 * and when an ingest code (ingest/ingest-errors.ts) is missing here or has another status.
 */
export const ERROR_CATALOG = {
  validation_failed: { status: 400, message: 'The request does not match the expected shape.' },
  bad_request: { status: 400, message: 'The request is not valid HTTP/1.1.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_cursor: { status: 400, message: 'The pagination cursor is malformed or expired.' },
  invalid_url: { status: 400, message: 'The URL is not a valid absolute http(s) URL.' },
  ssrf_blocked_url: {
    status: 400,
    message: 'The URL points at an address Hookline refuses to call (private, loopback, metadata…).',
  },
  reserved_header: { status: 400, message: 'A custom header is reserved or contains forbidden characters.' },
  invalid_filter: { status: 400, message: 'The payload filter is not a valid filter document.' },
  invalid_schema: { status: 400, message: 'The event type schema is not a valid JSON Schema.' },
  invalid_secret: { status: 400, message: 'The signing secret does not fit the endpoint signing scheme.' },
  schema_violation: { status: 400, message: "The payload does not match its event type's JSON Schema." },
  unauthorized: { status: 401, message: 'A valid API key is required: Authorization: Bearer hk_….' },
  forbidden: { status: 403, message: 'This API key may not perform this operation.' },
  not_found: { status: 404, message: 'The resource does not exist.' },
  conflict: { status: 409, message: 'The resource already exists or changed concurrently.' },
  idempotency_conflict: {
    status: 409,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  endpoint_disabled: { status: 409, message: 'The endpoint is disabled; enable it first.' },
  payload_too_large: { status: 413, message: 'The request body is larger than allowed.' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json.' },
  headers_too_large: { status: 431, message: 'The request headers are larger than allowed.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after the indicated delay.' },
  internal_error: { status: 500, message: 'An unexpected error occurred; it has been logged.' },
  unavailable: { status: 503, message: 'The service cannot take this request now; retry later.' },
  ...INGEST_ONLY_ERRORS,
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The one shape of every error body the API sends. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An expected API failure with a catalog code; the app's error handler turns it into the response. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Seconds for the `Retry-After` header (429 and 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message ?? ERROR_CATALOG[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { error: { code: this.code, message: this.message } }
      : { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Retry-After for a store that is busy or full: long enough not to hammer it, short enough to recover. */
const STORE_RETRY_AFTER_SECONDS = 5;

const STORE_CODE_MAP: Record<StoreErrorCode, ErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  value_too_large: 'payload_too_large',
  invalid_cursor: 'invalid_cursor',
  invalid_argument: 'validation_failed',
  unavailable: 'unavailable',
  disk_full: 'unavailable',
  locked: 'unavailable',
  closed: 'unavailable',
};

/**
 * Maps a `StoreError` to its API error. Transient store states (unavailable, locked, disk full,
 * closed) become 503 with Retry-After, so clients retry instead of treating them as their fault.
 * Returns null for anything that is not a StoreError.
 */
export function fromStoreError(error: unknown): ApiError | null {
  if (!isStoreError(error)) return null;
  const code = STORE_CODE_MAP[error.code];
  if (code === 'unavailable') {
    // The store's message may name files or hosts: keep it in logs, not in the response.
    return new ApiError('unavailable', `The store is ${error.code.replace('_', ' ')}; retry later.`, {
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    });
  }
  return new ApiError(code, error.message);
}

/** True when `value` is a catalog code (for tests and the docs check). */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, value);
}
