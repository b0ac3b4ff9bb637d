import { ApiError } from '../errors.ts';
import { parseInstant } from './parse-instant.ts';

/** `since`/`until` query strings (ISO 8601, validated by the route schema) → store milliseconds. */
export function toTimeRange(query: { since?: string; until?: string }): { since?: number; until?: number } {
  const range: { since?: number; until?: number } = {};
  if (query.since !== undefined) range.since = parseInstant(query.since, '/querystring/since');
  if (query.until !== undefined) range.until = parseInstant(query.until, '/querystring/until');
  if (range.since !== undefined && range.until !== undefined && range.until <= range.since) {
    throw new ApiError('validation_failed', '`until` must be after `since`.', {
      details: [{ path: '/querystring/until', message: 'must be after since' }],
    });
  }
  return range;
}
