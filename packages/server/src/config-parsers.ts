/**
 * Value parsers for config options. Each accepts what a flag or env var gives (a string) and what a
 * JSON config file gives (a typed value), and returns a typed result with a message saying what is
 * expected, so `loadConfig` can report every bad option at once.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; expected: string };

export type Parser<T> = (raw: unknown) => ParseResult<T>;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1500`, `"1500"`, `"500ms"`, `"5s"`, `"30m"`, `"2h"`, `"7d"` → milliseconds. */
export function parseDurationMs(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
  if (typeof raw !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  if (!match) return null;
  const value = Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1));
  return Number.isSafeInteger(value) ? value : null;
}

/** Formats milliseconds the way the docs and `hookline config` show them (`5s`, `24h`, `1500ms`). */
export function formatDurationMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function integer(min: number, max: number): Parser<number> {
  const expected = `an integer from ${min} to ${max}`;
  return (raw) => {
    const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, expected };
  };
}

export function duration(minMs: number, maxMs: number): Parser<number> {
  const expected = `a duration from ${formatDurationMs(minMs)} to ${formatDurationMs(maxMs)} (e.g. 500ms, 15s, 5m, 24h, 7d)`;
  return (raw) => {
    const value = parseDurationMs(raw);
    return value !== null && value >= minMs && value <= maxMs ? { ok: true, value } : { ok: false, expected };
  };
}

export function ratio(min: number, max: number): Parser<number> {
  const expected = `a number from ${min} to ${max}`;
  return (raw) => {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, expected };
  };
}

export const boolean: Parser<boolean> = (raw) => {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (raw === 'true' || raw === '1' || raw === 'yes') return { ok: true, value: true };
  if (raw === 'false' || raw === '0' || raw === 'no') return { ok: true, value: false };
  return { ok: false, expected: 'true or false' };
};

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  const expected = `one of ${values.join(', ')}`;
  return (raw) =>
    typeof raw === 'string' && (values as readonly string[]).includes(raw)
      ? { ok: true, value: raw as T }
      : { ok: false, expected };
}

export function text(
  options: { allowEmpty?: boolean; pattern?: RegExp; hint?: string } = {},
): Parser<string> {
  const expected = options.hint ?? (options.allowEmpty ? 'a string' : 'a non-empty string');
  return (raw) =>
    typeof raw === 'string' &&
    (options.allowEmpty || raw.trim() !== '') &&
    (!options.pattern || options.pattern.test(raw))
      ? { ok: true, value: raw }
      : { ok: false, expected };
}

export function optional<T>(inner: Parser<T>): Parser<T | null> {
  return (raw) => (raw === null || raw === '' ? { ok: true, value: null } : inner(raw));
}

/** A comma-separated string (flags, env) or a JSON array (file). */
export function list<T>(item: Parser<T>, maxItems: number): Parser<T[]> {
  return (raw) => {
    const items =
      typeof raw === 'string'
        ? raw
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : raw;
    if (!Array.isArray(items) || items.length > maxItems) {
      return { ok: false, expected: `a comma-separated list of at most ${maxItems} items` };
    }
    const values: T[] = [];
    for (const entry of items) {
      const parsed = item(entry);
      if (!parsed.ok) return { ok: false, expected: `a list whose items are each ${parsed.expected}` };
      values.push(parsed.value);
    }
    return { ok: true, value: values };
  };
}
