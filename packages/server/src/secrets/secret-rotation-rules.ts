// The rules of a secret rotation in a module with no Node or server imports: the API (sources and
// endpoints), the CLI's --grace flag and the dashboard's rotation forms read these, so they cannot drift.

const DAY_MS = 24 * 60 * 60 * 1000;

/** Old secrets keep working this long after a rotation unless told otherwise (DESIGN.md defaults). */
export const DEFAULT_SECRET_GRACE_MS = DAY_MS;
/** Longest grace period a rotation may ask for. */
export const MAX_SECRET_GRACE_MS = 7 * DAY_MS;
/** Most old secrets kept alongside the current one. */
export const MAX_OLD_SECRETS = 10;

/** How a grace period is written (CLI `--grace`, the dashboard's grace field). */
export const GRACE_EXAMPLES = '0, 90s, 30m, 24h or 7d';

const GRACE = /^(\d{1,7})(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * A grace period in whole seconds: `0`, a bare number of seconds, or a number with s, m, h or d; null
 * when it is none of these. The limit is not checked here: the API states it in its own refusal.
 *
 * @example
 * parseGraceSeconds('24h'); // 86400
 */
export function parseGraceSeconds(text: string): number | null {
  const match = GRACE.exec(text);
  if (!match) return null;
  return Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS];
}

/** Seconds in the largest whole unit (`86400` → `1d`, `5400` → `90m`), as {@link parseGraceSeconds} reads them. */
export function formatGraceSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return seconds === 0 ? '0' : `${seconds}s`;
}
