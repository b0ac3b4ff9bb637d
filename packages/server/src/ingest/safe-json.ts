/** Outcome of {@link parseJsonSafely}: the value, or why there is none. */
export type SafeJsonResult = { ok: true; value: unknown } | { ok: false; reason: 'invalid' | 'too_deep' };

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Nesting depth of JSON text, stopping as soon as it passes `limit` (strings are skipped). */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/**
 * Parses untrusted JSON without letting it hurt the process: nesting is counted before parsing (100,000
 * levels are refused in one linear scan, never recursed into), `__proto__` keys are dropped so later
 * merges cannot reach a prototype, and numbers beyond double range become `Infinity` as JSON.parse does.
 * Never throws.
 */
export function parseJsonSafely(text: string, maxDepth: number): SafeJsonResult {
  if (exceedsDepth(text, maxDepth)) return { ok: false, reason: 'too_deep' };
  try {
    // The reviver costs a callback per value, so it runs only when a `__proto__` key could be present
    // (spelled out, or hidden behind a \u escape).
    const value =
      text.includes('__proto__') || text.includes('\\u') ? JSON.parse(text, dropProtoKeys) : JSON.parse(text);
    return { ok: true, value };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of a body, or null when the bytes are not valid UTF-8. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}
