/**
 * Error codes the ingest path (`/in/{token}`, aliases) answers with, in the API's one error shape
 * `{"error":{"code","message"}}`. Messages are fixed strings: they never echo a secret, an expected
 * signature or anything the scheme computed. To be merged into the app's catalog (src/errors.ts).
 */
/** Codes only the ingest path answers with; the app's catalog (src/errors.ts) includes them as they are. */
export const INGEST_ONLY_ERRORS = {
  source_not_found: { status: 404, message: 'No source answers on this URL.' },
  signature_missing: {
    status: 401,
    message: 'The request carries no signature or credentials for this source.',
  },
  invalid_signature: { status: 401, message: 'The signature or credentials do not verify with this source.' },
  invalid_token: { status: 403, message: 'The token does not match this source.' },
  timestamp_out_of_window: {
    status: 400,
    message: "The signed timestamp is outside the source's tolerance window (too old or in the future).",
  },
  invalid_timestamp: { status: 400, message: 'The signed timestamp is not a valid number of seconds.' },
  method_not_allowed: { status: 405, message: 'This is an inbound webhook URL: it takes POST only.' },
  request_timeout: { status: 408, message: 'The request body did not arrive in time.' },
  unsupported_content_encoding: {
    status: 415,
    message:
      "The body's Content-Encoding is not one Hookline decodes (gzip, deflate, br), or the body does not decode as it says.",
  },
  source_misconfigured: {
    status: 500,
    message:
      'This source cannot verify requests (no usable secret or option); the sender should retry later.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export const INGEST_ERROR_CATALOG = {
  ...INGEST_ONLY_ERRORS,
  // Codes shared with the API, worded for a sender of inbound webhooks (same status; a test checks).
  invalid_json: {
    status: 400,
    message: 'The request body is not valid JSON, and this source requires JSON.',
  },
  payload_too_large: { status: 413, message: "The request body is larger than this source's limit." },
  unsupported_media_type: { status: 415, message: 'This source does not accept this content type.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after the indicated delay.' },
  internal_error: { status: 500, message: 'An unexpected error occurred; it has been logged.' },
  unavailable: { status: 503, message: 'The store cannot take this request now; retry later.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type IngestErrorCode = keyof typeof INGEST_ERROR_CATALOG;

/** An expected ingest failure; the ingest plugin's error handler writes it out. */
export class IngestError extends Error {
  readonly code: IngestErrorCode;
  readonly status: number;
  /** Seconds for `Retry-After` (429, 503). */
  readonly retryAfterSeconds: number | undefined;
  /** Extra response headers (e.g. `WWW-Authenticate` for Basic). */
  readonly headers: Readonly<Record<string, string>>;
  /** The sender may still be sending: close the connection instead of reading the rest. */
  readonly closeConnection: boolean;

  constructor(
    code: IngestErrorCode,
    options: { retryAfterSeconds?: number; headers?: Record<string, string>; closeConnection?: boolean } = {},
  ) {
    super(INGEST_ERROR_CATALOG[code].message);
    this.name = 'IngestError';
    this.code = code;
    this.status = INGEST_ERROR_CATALOG[code].status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
    this.closeConnection = options.closeConnection ?? false;
  }

  toBody(): { error: { code: IngestErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isIngestError(value: unknown): value is IngestError {
  return value instanceof IngestError;
}
