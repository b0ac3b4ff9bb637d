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
