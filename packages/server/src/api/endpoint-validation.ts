import { validateEndpointHeaders } from '../delivery/endpoint-headers.ts';
import { validateEventTypePattern } from '../delivery/event-type-match.ts';
import { validatePayloadFilter } from '../delivery/payload-filter.ts';
import { type SsrfPolicy, validateDestinationUrl } from '../delivery/ssrf-guard.ts';
import { ApiError } from '../errors.ts';
import type { Json, SigningScheme } from '../store/types.ts';

/** Throws `invalid_url` or `ssrf_blocked_url` for a destination that may not be saved. */
export function assertDestinationUrl(url: string, policy: SsrfPolicy): void {
  const verdict = validateDestinationUrl(url, policy);
  if (verdict.ok) return;
  throw new ApiError(verdict.code === 'ssrf_blocked' ? 'ssrf_blocked_url' : 'invalid_url', verdict.message);
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
