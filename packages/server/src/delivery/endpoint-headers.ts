import type { SigningScheme } from '../store/types.ts';

/**
 * Custom headers an endpoint adds to every delivery. Names must be RFC 9110 tokens; values may not
 * carry CR, LF, NUL or other control characters (header injection); and headers that Hookline sets
 * itself, that describe the message framing, or that carry the signature are refused, so a custom
 * header can never replace or forge them.
 */

export const ENDPOINT_HEADER_LIMITS = { maxHeaders: 32, maxNameLength: 256, maxValueLength: 8 * 1024 };

/** Always reserved, whatever the signing scheme (lower case). */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'http2-settings',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

export type EndpointHeadersValidation =
  | { ok: true; headers: Record<string, string> }
  | {
      ok: false;
      code:
        | 'too_many_headers'
        | 'invalid_header_name'
        | 'invalid_header_value'
        | 'reserved_header'
        | 'duplicate_header';
      /** The offending header name as given (empty for `too_many_headers`). */
      header: string;
      message: string;
    };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, space, tab and obs-text; everything else (CR, LF, NUL, DEL, …) is refused.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Validates custom headers for an endpoint with the given signing scheme. On success the headers are
 * returned with names as given and values trimmed of surrounding whitespace.
 */
export function validateEndpointHeaders(
  headers: Record<string, string>,
  signing: SigningScheme,
): EndpointHeadersValidation {
  const names = Object.keys(headers);
  if (names.length > ENDPOINT_HEADER_LIMITS.maxHeaders) {
    return {
      ok: false,
      code: 'too_many_headers',
      header: '',
      message: `at most ${ENDPOINT_HEADER_LIMITS.maxHeaders} custom headers are allowed`,
    };
  }
  const reserved = reservedFor(signing);
  const seen = new Set<string>();
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    const lower = name.toLowerCase();
    if (name.length === 0 || name.length > ENDPOINT_HEADER_LIMITS.maxNameLength || !TOKEN.test(name)) {
      return {
        ok: false,
        code: 'invalid_header_name',
        header: name,
        message: `"${printable(name)}" is not a valid header name`,
      };
    }
    if (typeof value !== 'string') {
      return {
        ok: false,
        code: 'invalid_header_value',
        header: name,
        message: `header ${name} must have a string value`,
      };
    }
    if (!FIELD_VALUE.test(value)) {
      return {
        ok: false,
        code: 'invalid_header_value',
        header: name,
        message: `header ${name} contains a control character (CR, LF, NUL or similar)`,
      };
    }
    if (value.length > ENDPOINT_HEADER_LIMITS.maxValueLength) {
      return {
        ok: false,
        code: 'invalid_header_value',
        header: name,
        message: `header ${name} is longer than ${ENDPOINT_HEADER_LIMITS.maxValueLength} characters`,
      };
    }
    if (reserved.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) {
      return {
        ok: false,
        code: 'reserved_header',
        header: name,
        message: `header ${name} is set by Hookline and cannot be overridden`,
      };
    }
    if (seen.has(lower)) {
      return {
        ok: false,
        code: 'duplicate_header',
        header: name,
        message: `header ${name} is given twice (names are case-insensitive)`,
      };
    }
    seen.add(lower);
    out[name] = value.trim();
  }
  return { ok: true, headers: out };
}

/** Reserved names for a scheme: the fixed set plus the scheme's own signature, timestamp or token header. */
export function reservedFor(signing: SigningScheme): ReadonlySet<string> {
  if (signing.scheme === 'hmac') {
    const own = [signing.header, signing.timestampHeader].filter((h): h is string => h !== undefined);
    return new Set([...RESERVED_HEADERS, ...own.map((h) => h.toLowerCase())]);
  }
  if (signing.scheme === 'token') return new Set([...RESERVED_HEADERS, signing.header.toLowerCase()]);
  return RESERVED_HEADERS;
}

function printable(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text).slice(1, -1);
}
