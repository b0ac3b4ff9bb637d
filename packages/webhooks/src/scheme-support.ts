// Helpers every scheme shares: secrets from the config, capped header reads, the clock, JSON for describe.
import { fromUtf8, toBase64Url } from './encoding.ts';
import { failure, type VerifyFailure, WebhookError } from './errors.ts';
import { getHeader } from './headers.ts';
import { rawBytes } from './raw-body.ts';
import type { SchemeConfig, WebhookRequest } from './scheme.ts';

/**
 * Longest signature header read, in characters. Real ones are under 1 KiB even with ten rotated secrets;
 * refusing early keeps a 1 MB header from costing more than a length check.
 */
export const MAX_HEADER_LENGTH = 8192;

/** Most signatures examined in one header (one per secret the sender is rotating through). */
export const MAX_SIGNATURES = 20;

/** Most secrets a verifier tries, so a misconfigured list cannot multiply the work per request. */
export const MAX_SECRETS = 16;

/** The configured secrets (`secrets`, else `[secret]`), or an `invalid_secret` failure when there is none. */
export function secretsOf(config: SchemeConfig): readonly string[] | VerifyFailure {
  const secrets = config.secrets ?? (config.secret === undefined ? [] : [config.secret]);
  const usable = secrets.filter((s) => typeof s === 'string' && s.length > 0);
  if (usable.length === 0) {
    return failure('invalid_secret', 'no secret is configured: pass `secret` or a non-empty `secrets` list');
  }
  if (usable.length > MAX_SECRETS) {
    return failure(
      'invalid_secret',
      `at most ${MAX_SECRETS} secrets are accepted at once (rotation keeps a few)`,
    );
  }
  return usable;
}

/** The configured secrets, for signers; throws a coded error when there is none. */
export function signingSecrets(config: SchemeConfig): readonly string[] {
  const secrets = secretsOf(config);
  if ('ok' in secrets) throw WebhookError.fromFailure(secrets);
  return secrets;
}

/** The raw bytes of a body to sign; throws a coded error when it is not raw. */
export function bytesToSign(body: unknown): Uint8Array<ArrayBuffer> {
  const bytes = rawBytes(body);
  if ('ok' in bytes) throw WebhookError.fromFailure(bytes);
  return bytes;
}

/** The configured clock, in milliseconds. */
export function nowMs(config: SchemeConfig): number {
  return (config.now ?? Date.now)();
}

/** A header that must be present, non-empty and short enough, or the failure that says which. */
export function requireHeader(request: WebhookRequest, name: string): string | VerifyFailure {
  const value = getHeader(request.headers, name);
  if (value === undefined || value.trim() === '') {
    return failure('missing_header', `the ${name} header is missing or empty`);
  }
  if (value.length > MAX_HEADER_LENGTH) {
    return failure('malformed_header', `the ${name} header is longer than ${MAX_HEADER_LENGTH} characters`);
  }
  return value.trim();
}

/** `true` when a value is a failure (every helper returns either a value or a failure). */
export function isFailure(value: unknown): value is VerifyFailure {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

/** A random message id such as `msg_2Zt…`, for signers called without one. */
export function randomId(): string {
  return `msg_${toBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/** The JSON body for `describe`: `json` when given, else the body parsed, else `undefined` (never throws). */
export function jsonOf(request: WebhookRequest, json: unknown): unknown {
  if (json !== undefined) return json;
  const bytes = rawBytes(request.body);
  if ('ok' in bytes) return typeof request.body === 'object' ? request.body : undefined;
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    return undefined;
  }
}

/** A string (or finite number, as text) property of a JSON object, else `undefined`. */
export function jsonField(json: unknown, key: string): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A header value for `describe`, `undefined` when absent or empty. */
export function headerField(request: WebhookRequest, name: string): string | undefined {
  const value = getHeader(request.headers, name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}
