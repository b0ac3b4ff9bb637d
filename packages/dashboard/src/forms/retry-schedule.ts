// An endpoint's own retry schedule as text: delays before each retry, e.g. `5s, 5m, 2h`. The API's
// bounds and the config file's duration syntax come from Node-free server modules, so the field takes
// what `retrySchedule` in a config file takes and refuses what the API refuses.
import { formatDurationMs, parseDurationMs } from '../../../server/src/config-parsers.ts';
import { LIMITS } from '../../../server/src/limits.ts';
import { parseList } from './form-parsers.ts';

// The endpoint schema's retrySchedule bounds (api/schemas/endpoint-input.ts reads the same LIMITS).
const MAX_RETRIES = LIMITS.maxRetryScheduleEntries;
const MAX_DELAY_MS = LIMITS.maxRetryDelayMs;
/** No retries: the first attempt is the only one (the API's `[]`). */
const NONE = 'none';

/** What the field takes, with the API's limits. */
export const RETRY_SCHEDULE_HINT = `Delays before each retry, e.g. 5s, 5m, 30m, 2h (at most ${MAX_RETRIES}, each up to ${formatDurationMs(MAX_DELAY_MS)}); none: one attempt only. Empty: the server's schedule.`;

/** `null` (the server's schedule) → ``, `[]` → `none`, `[5000, 300000]` → `5s, 5m`. */
export function retryScheduleText(schedule: readonly number[] | null): string {
  if (schedule === null) return '';
  return schedule.length === 0 ? NONE : schedule.map(formatDurationMs).join(', ');
}

export function retryScheduleError(text: string): string | undefined {
  const items = parseList(text);
  if (items.length === 1 && items[0]?.toLowerCase() === NONE) return undefined;
  if (items.length > MAX_RETRIES) return `At most ${MAX_RETRIES} retries.`;
  for (const item of items) {
    const ms = parseDurationMs(item);
    if (ms === null) return `"${item}" is not a delay such as 30s, 5m or 2h (or none).`;
    if (ms > MAX_DELAY_MS) return `"${item}": each delay is at most ${formatDurationMs(MAX_DELAY_MS)}.`;
  }
  return undefined;
}

/** The API's `retrySchedule` in milliseconds (null: the server's schedule); call once valid. */
export function retryScheduleOf(text: string): number[] | null {
  const items = parseList(text);
  if (items.length === 0) return null;
  if (items.length === 1 && items[0]?.toLowerCase() === NONE) return [];
  return items.map((item) => parseDurationMs(item) ?? 0);
}
