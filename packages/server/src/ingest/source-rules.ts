import { isBase64Secret } from '../secrets/is-base64-secret.ts';
import type { Source, SourceHandshake } from '../store/types.ts';

// The shapes a source's settings must have, in a module with no Node or server imports: the API checks
// them (source-input.ts) and the dashboard's source form checks them as the user types, so the two agree.

/** The default answer to a stored request: `202 {"ok":true}`. */
export const DEFAULT_RESPONSE: Source['response'] = {
  status: 202,
  body: '{"ok":true}',
  contentType: 'application/json; charset=utf-8',
};

/** An HTTP header name (RFC 9110 token), at most 128 characters. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** A header value safe to send: visible ASCII, inner spaces and tabs, nothing to trim. */
export const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;

/** The longest success response body a source may answer with. */
export const MAX_RESPONSE_BODY = 4096;

// RFC 6838 restricted names. Ingest compares the request's bare type/subtype (parameters dropped,
// lower-cased) for equality, so an entry with parameters or a wildcard could never match: refused.
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/** Most secrets a create or update may give at once (`secrets`). */
export const MAX_GIVEN_SECRETS = 10;

/** The longest secret a source takes. */
export const MAX_SECRET_LENGTH = 1024;

/**
 * Why `secret` cannot verify for `scheme`, in the words of the API's `invalid_secret`, or undefined:
 * Basic needs `user:password`, Standard Webhooks and Svix a `whsec_` key the library can decode.
 */
export function sourceSecretProblem(scheme: string, secret: string): string | undefined {
  if (scheme === 'basic' && !secret.includes(':')) return 'Basic secrets are "user:password" strings.';
  if ((scheme === 'standard-webhooks' || scheme === 'svix') && !isBase64Secret(secret, 'whsec_', 24, 64)) {
    const name = scheme === 'svix' ? 'Svix' : 'Standard Webhooks';
    return `${name} secrets are whsec_ followed by the base64 of 24 to 64 bytes.`;
  }
  return undefined;
}

/** The provider handshakes a source may answer (provider-handshakes.ts). */
export const HANDSHAKE_KINDS: readonly SourceHandshake['kind'][] = [
  'meta',
  'x',
  'zoom',
  'microsoft-graph',
  'dropbox',
  'okta',
];

/** The longest verify token a Meta handshake takes. */
export const MAX_VERIFY_TOKEN = 256;

/**
 * The rule a handshake breaks on a source, or undefined; each side words it for its own reader. X and
 * Zoom answer with an HMAC under the source's secret, so they need the hmac scheme, whose secrets are
 * the provider's (`needs_hmac`). X's answer can sign any text a caller picks, so its source must refuse
 * bodies that are not JSON (`needs_json`, see provider-handshakes.ts).
 */
export function handshakeProblem(
  kind: string | undefined,
  source: { scheme: string; requireJson: boolean },
): 'needs_hmac' | 'needs_json' | undefined {
  if ((kind === 'x' || kind === 'zoom') && source.scheme !== 'hmac') return 'needs_hmac';
  if (kind === 'x' && !source.requireJson) return 'needs_json';
  return undefined;
}
