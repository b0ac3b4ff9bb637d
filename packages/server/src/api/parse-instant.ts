import { ApiError } from '../errors.ts';

// RFC 3339 allows a leap second (`23:59:60`) and the route schemas' `date-time` format accepts it, but
// `Date.parse` answers NaN for it. POSIX time has no such second: it is counted as the next one.
const LEAP_SECOND = /^(.+[Tt ]\d{2}:\d{2}:)60(.*)$/;

/**
 * Milliseconds for a `date-time` string the route schema has already accepted; `validation_failed` at
 * `path` for anything `Date.parse` still cannot place (never a NaN reaching the store).
 *
 * @example parseInstant('2016-12-31T23:59:60Z', '/querystring/since') // 1483228800000 (2017-01-01T00:00:00Z)
 */
export function parseInstant(text: string, path: string): number {
  const leap = LEAP_SECOND.exec(text);
  const ms = leap ? Date.parse(`${leap[1]}59${leap[2]}`) + 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new ApiError('validation_failed', `${path.split('/').pop()}: "${text}" is not a date-time.`, {
      details: [{ path, message: 'must be an RFC 3339 date-time' }],
    });
  }
  return ms;
}
