import { canSee } from '../auth/access.ts';
import { validateEndpointHeaders } from '../delivery/endpoint-headers.ts';
import { validateEventTypePattern } from '../delivery/event-type-match.ts';
import { validatePayloadFilter } from '../delivery/payload-filter.ts';
import { type SsrfPolicy, validateDestinationUrl } from '../delivery/ssrf-guard.ts';
import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ApiKey, Json, SigningScheme } from '../store/types.ts';

// Scheme, `//`, then a host: the WHATWG parser would otherwise read `http:///x` or `http:/x` as host `x`.
const WITH_AUTHORITY = /^https?:\/\/[^/?#]/i;

/**
 * Returns the URL as it will be stored and called (the parser's normalised `href`), or throws
 * `invalid_url` or `ssrf_blocked_url`. Spellings the parser silently repairs are refused rather than
 * repaired, since they are mistakes or attempts to hide the real destination: control characters,
 * spaces (even surrounding), backslashes (read as `/`), a missing `//` authority, port 0.
 */
export function checkDestinationUrl(url: string, policy: SsrfPolicy): string {
  const syntax = destinationSyntaxError(url);
  if (syntax !== null) throw new ApiError('invalid_url', syntax);
  const verdict = validateDestinationUrl(url, policy);
  if (!verdict.ok) {
    throw new ApiError(verdict.code === 'ssrf_blocked' ? 'ssrf_blocked_url' : 'invalid_url', verdict.message);
  }
  if (verdict.url.port === '0') throw new ApiError('invalid_url', 'port 0 cannot be called');
  return verdict.url.href;
}

// C0 controls, space and DEL: the parser strips or encodes them, so the saved text would not be what is called.
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

function destinationSyntaxError(url: string): string | null {
  if (hasControlOrSpace(url)) {
    return 'the URL contains a space or a control character (percent-encode it, e.g. %20)';
  }
  if (url.includes('\\')) return 'the URL contains a backslash (use / in paths, %5C elsewhere)';
  if (!WITH_AUTHORITY.test(url)) return 'the URL must start with http:// or https:// followed by a host';
  return null;
}

/**
 * Returns the headers as they will be stored (values trimmed), or throws `reserved_header` for a
 * reserved name (including the signing scheme's own headers), a duplicate, or a CR/LF or control char.
 */
export function checkCustomHeaders(
  headers: Record<string, string>,
  signing: SigningScheme,
): Record<string, string> {
  const verdict = validateEndpointHeaders(headers, signing);
  if (verdict.ok) return verdict.headers;
  throw new ApiError('reserved_header', verdict.message, {
    details: { header: verdict.header, reason: verdict.code },
  });
}

const NO_OWN_HEADERS: SigningScheme = { scheme: 'standard-webhooks-v1' };

/**
 * Throws `validation_failed` when an hmac `signedContent` template is one delivery could not sign with,
 * the rule sources hold theirs to: `{body}` exactly once and `{timestamp}` (the signing library refuses
 * any other template, so every delivery would fail), and a `timestampHeader` to carry the timestamp
 * (without it the template was silently ignored and the body alone signed).
 */
export function assertSignedContent(signing: SigningScheme): void {
  if (signing.scheme !== 'hmac' || signing.signedContent === undefined) return;
  const template = signing.signedContent;
  const fail = (message: string) =>
    new ApiError('validation_failed', `signing.signedContent ${message}`, {
      details: [{ path: '/body/signing/signedContent', message }],
    });
  if (template.split('{body}').length !== 2 || !template.includes('{timestamp}')) {
    throw fail('must contain {body} exactly once and {timestamp}, e.g. {timestamp}.{body}');
  }
  if (signing.timestampHeader === undefined) {
    throw fail('needs signing.timestampHeader: the receiver reads the signed timestamp from it');
  }
}

/**
 * Throws `reserved_header` when a legacy scheme's own headers could not go out as configured: the
 * signature, timestamp and token header names follow the custom-header rules (an RFC 9110 token, not a
 * header Hookline sets, so the secret never travels as `Host` and no signature replaces `webhook-id`),
 * the signature and timestamp headers differ, and the prefix carries no control characters.
 */
export function assertSigningHeaders(signing: SigningScheme): void {
  if (signing.scheme !== 'hmac' && signing.scheme !== 'token') return;
  assertSigningHeaderName('header', signing.header);
  if (signing.scheme === 'token') return;
  if (signing.timestampHeader !== undefined) {
    assertSigningHeaderName('timestampHeader', signing.timestampHeader);
    if (signing.timestampHeader.toLowerCase() === signing.header.toLowerCase()) {
      throw new ApiError('reserved_header', 'signing.timestampHeader must differ from signing.header', {
        details: {
          header: signing.timestampHeader,
          field: 'signing.timestampHeader',
          reason: 'duplicate_header',
        },
      });
    }
  }
  if (signing.prefix !== undefined) {
    // Checked as a header value: it is sent as the start of the signature header's value.
    const verdict = validateEndpointHeaders({ [signing.header]: signing.prefix }, NO_OWN_HEADERS);
    if (!verdict.ok && verdict.code === 'invalid_header_value') {
      throw new ApiError(
        'reserved_header',
        'signing.prefix contains a control character (CR, LF, NUL or similar)',
        {
          details: { header: signing.header, field: 'signing.prefix', reason: verdict.code },
        },
      );
    }
  }
}

function assertSigningHeaderName(field: 'header' | 'timestampHeader', name: string): void {
  // The custom-header rules with no scheme headers of their own: only the fixed reserved set applies.
  const verdict = validateEndpointHeaders({ [name]: '' }, NO_OWN_HEADERS);
  if (verdict.ok) return;
  throw new ApiError('reserved_header', `signing.${field}: ${verdict.message}`, {
    details: { header: name, field: `signing.${field}`, reason: verdict.code },
  });
}

/** Throws `invalid_filter` with the failing path. */
export function assertPayloadFilter(filter: Json | null | undefined): void {
  if (filter === null || filter === undefined) return;
  const verdict = validatePayloadFilter(filter);
  if (!verdict.ok) {
    throw new ApiError('invalid_filter', `${verdict.path}: ${verdict.message}`, {
      details: { path: verdict.path },
    });
  }
}

/**
 * Throws `validation_failed` naming the first source id that does not exist or belongs to a tenant the
 * key cannot see: a filter on a missing source would silently receive nothing. Ids the endpoint already
 * has (`kept`) pass: a deleted source's id stays in filters (dropping the last one would widen the
 * endpoint to every source), and an update that sends the filter back unchanged must not fail on it.
 */
export async function assertSourcesExist(
  store: Store,
  caller: ApiKey,
  ids: string[] | null | undefined,
  kept: readonly string[] = [],
): Promise<void> {
  for (const [index, id] of (ids ?? []).entries()) {
    if (kept.includes(id)) continue;
    const source = await store.getSource(id);
    if (source === null || !canSee(caller, source.tenant)) {
      throw new ApiError('validation_failed', `sources: no such source "${id}".`, {
        details: [{ path: `/body/sources/${index}`, message: 'no such source' }],
      });
    }
  }
}

/** Throws `validation_failed` for a malformed event-type pattern. */
export function assertEventTypePatterns(patterns: string[] | null | undefined): void {
  for (const pattern of patterns ?? []) {
    const verdict = validateEventTypePattern(pattern);
    if (!verdict.ok) {
      throw new ApiError('validation_failed', `eventTypes: "${pattern}" ${verdict.message}`, {
        details: [{ path: '/body/eventTypes', message: verdict.message }],
      });
    }
  }
}
