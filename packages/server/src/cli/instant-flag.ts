import { type ParsedArgs, stringFlag } from './args.ts';
import { UsageError } from './cli-errors.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const AGO = /^(\d{1,7})(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A time flag as an ISO 8601 UTC string: an RFC 3339 date-time (what the API takes), or a duration ago
 * (`30m`, `6h`, `2d`, as `replay --since` reads). Checked field by field because `Date.parse` rolls
 * `2026-02-30` over into March: a typo must be a usage error, not a silently different window.
 *
 * @example instantFlag(args, 'since', Date.parse('2026-03-01T12:00:00Z')) // --since 6h → '2026-03-01T06:00:00.000Z'
 */
export function instantFlag(args: ParsedArgs, name: string, now: number): string | undefined {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  const ago = AGO.exec(value);
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]).toISOString();
  const ms = rfc3339(value);
  if (ms === null) {
    throw new UsageError(
      `--${name} must be an RFC 3339 time (2026-11-20T00:00:00Z) or a duration ago (30m, 6h, 2d); got "${value}"`,
    );
  }
  return new Date(ms).toISOString();
}

/**
 * `--since` (required, named in `command`'s usage error) and `--until` (optional) as a recovery window:
 * each by {@link instantFlag}, and `--until` after `--since`, or the window is empty by mistake.
 */
export function windowFlags(
  args: ParsedArgs,
  now: number,
  command: string,
): { since: string; until: string | undefined } {
  const since = instantFlag(args, 'since', now);
  if (since === undefined) throw new UsageError(`${command} needs --since TIME`);
  const until = instantFlag(args, 'until', now);
  if (until !== undefined && Date.parse(until) <= Date.parse(since)) {
    throw new UsageError(`--until (${until}) must be after --since (${since})`);
  }
  return { since, until };
}

function rfc3339(value: string): number | null {
  const match = RFC3339.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 9, 10].map(
    (group) => Number(match[group] ?? 0),
  ) as [number, number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  // 60 is a leap second: POSIX time counts it as the next one, as the API does.
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return null;
  const fraction = Math.floor(Number(`0${match[7] ?? ''}`) * 1000);
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, Math.min(second, 59), fraction));
  date.setUTCFullYear(year); // Date.UTC reads years 0–99 as 1900–1999
  const leap = second === 60 ? 1000 : 0;
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return date.getTime() + leap - offset;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
