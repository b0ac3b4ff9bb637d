/**
 * Finds where values sit inside raw JSON bytes, so a publish stores the `payload` exactly as the
 * client sent it (key order, number spelling, whitespace and escapes included) instead of a
 * re-serialisation. Works on bytes: every structural character is ASCII and UTF-8 continuation bytes
 * are >= 0x80, so multi-byte text can never be mistaken for structure.
 *
 * The input must already be valid JSON (Fastify parsed it first); these functions only locate spans.
 */
export interface Span {
  start: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The span of `key`'s value in the object that starts at or after `from`; with duplicate keys the
 * last one wins, as in `JSON.parse`. Returns null when the key is absent or `object` is not an object.
 *
 * @example
 * const bytes = Buffer.from('{"eventType":"a","payload": {"b" : 1.0}}');
 * const span = memberSpan(bytes, 'payload', valueSpan(bytes, 0));
 * bytes.subarray(span.start, span.end).toString(); // '{"b" : 1.0}'
 */
export function memberSpan(bytes: Uint8Array, key: string, object: Span): Span | null {
  let found: Span | null = null;
  for (const member of objectMembers(bytes, object)) {
    if (member.key === key) found = member.value;
  }
  return found;
}

/** The spans of the elements of the array at `array`. */
export function elementSpans(bytes: Uint8Array, array: Span): Span[] {
  const spans: Span[] = [];
  let i = skipSpace(bytes, array.start);
  if (bytes[i] !== OPEN_ARRAY) return spans;
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_ARRAY) return spans;
  while (i < array.end) {
    const value = valueSpan(bytes, i);
    spans.push(value);
    i = skipSpace(bytes, value.end);
    if (bytes[i] !== COMMA) break;
    i = skipSpace(bytes, i + 1);
  }
  return spans;
}

/** The span of the JSON value starting at the first non-space byte at or after `from`. */
export function valueSpan(bytes: Uint8Array, from: number): Span {
  const start = skipSpace(bytes, from);
  const first = bytes[start];
  if (first === QUOTE) return { start, end: stringEnd(bytes, start) };
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) return { start, end: containerEnd(bytes, start) };
  let end = start;
  // Numbers and literals end at the next delimiter.
  while (end < bytes.length && !isDelimiter(bytes[end] ?? 0)) end++;
  return { start, end };
}

function* objectMembers(bytes: Uint8Array, object: Span): Generator<{ key: string; value: Span }> {
  let i = skipSpace(bytes, object.start);
  if (bytes[i] !== OPEN_OBJECT) return;
  i = skipSpace(bytes, i + 1);
  while (i < object.end && bytes[i] === QUOTE) {
    const keyEnd = stringEnd(bytes, i);
    const key = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset + i, keyEnd - i).toString('utf8'),
    ) as string;
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) return;
    const value = valueSpan(bytes, i + 1);
    yield { key, value };
    i = skipSpace(bytes, value.end);
    if (bytes[i] !== COMMA) return;
    i = skipSpace(bytes, i + 1);
  }
}

function stringEnd(bytes: Uint8Array, start: number): number {
  let i = start + 1;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte === BACKSLASH) i += 2;
    else if (byte === QUOTE) return i + 1;
    else i++;
  }
  return bytes.length;
}

function containerEnd(bytes: Uint8Array, start: number): number {
  // Iterative depth count: a 100,000-deep payload must not overflow the stack.
  let depth = 0;
  let i = start;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = stringEnd(bytes, i);
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return bytes.length;
}

function skipSpace(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    i++;
  }
  return i;
}

function isDelimiter(byte: number): boolean {
  return (
    byte === COMMA ||
    byte === CLOSE_OBJECT ||
    byte === CLOSE_ARRAY ||
    byte === 0x20 ||
    byte === 0x0a ||
    byte === 0x0d ||
    byte === 0x09
  );
}
