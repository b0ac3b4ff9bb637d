/** Prefix of every message this package produces, so a log line says where it came from. */
export const MESSAGE_PREFIX = '@hookline/webhooks: ';

/**
 * Stable failure codes. They are part of the public API: match on `code`, never on `message`.
 * Every code is documented with its fix in the package README.
 */
export type VerifyErrorCode =
  | 'missing_header'
  | 'malformed_header'
  | 'invalid_signature'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'unsupported_version'
  | 'invalid_secret'
  | 'invalid_config'
  | 'body_not_raw'
  | 'body_too_large'
  | 'missing_url'
  | 'invalid_json';

/** A verification that failed: `code` is stable, `message` is for humans and never contains a secret. */
export interface VerifyFailure {
  readonly ok: false;
  readonly code: VerifyErrorCode;
  readonly message: string;
}

/** A verification that succeeded, with what the scheme signs (id and timestamp) when it signs them. */
export interface VerifySuccess {
  readonly ok: true;
  /** The message id the sender signed (Standard Webhooks, Svix), when the scheme has one. */
  readonly id?: string;
  /** The signed timestamp in seconds since the epoch, when the scheme signs one. */
  readonly timestamp?: number;
  /** Index in the configured secrets of the secret that matched (tells when an old secret can be retired). */
  readonly secretIndex?: number;
}

/** Outcome of every `verify()`: expected failures are values, never exceptions. */
export type VerifyResult = VerifySuccess | VerifyFailure;

/** Builds a typed failure with the package prefix on its message. */
export function failure(code: VerifyErrorCode, message: string): VerifyFailure {
  return { ok: false, code, message: MESSAGE_PREFIX + message };
}

/**
 * Thrown by signers and key helpers when they are misused (no secret, a secret that does not decode,
 * a body that is not raw bytes). Verification never throws it: it returns a {@link VerifyFailure}.
 */
export class WebhookError extends Error {
  readonly code: VerifyErrorCode;
  constructor(code: VerifyErrorCode, message: string) {
    super(MESSAGE_PREFIX + message);
    this.name = 'WebhookError';
    this.code = code;
  }

  /** The error for a failure a signer cannot turn into a result. */
  static fromFailure(failed: VerifyFailure): WebhookError {
    return new WebhookError(failed.code, failed.message.slice(MESSAGE_PREFIX.length));
  }
}
