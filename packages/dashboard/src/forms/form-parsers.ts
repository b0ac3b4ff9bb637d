/** Text-field parsers shared by the forms: lists and `Name: value` header lines. */
// The server's own reserved set and limits (the module is free of Node APIs), so the form refuses exactly
// what the API would; the server also refuses `proxy-*` and `sec-*`, as below.
import { ENDPOINT_HEADER_LIMITS, RESERVED_HEADERS } from '../../../server/src/delivery/endpoint-headers.ts';

/** `a, b` or one per line → `['a', 'b']` (blanks dropped). */
export function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export type HeaderLines = { ok: true; headers: Record<string, string> } | { ok: false; message: string };

/** `X-Team: billing` lines → `{ 'X-Team': 'billing' }`, refusing reserved, duplicate or malformed names. */
export function parseHeaderLines(text: string, alsoReserved: readonly string[]): HeaderLines {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const reserved = new Set([...RESERVED_HEADERS, ...alsoReserved.map((name) => name.toLowerCase())]);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length > ENDPOINT_HEADER_LIMITS.maxHeaders) {
    return { ok: false, message: `At most ${ENDPOINT_HEADER_LIMITS.maxHeaders} headers.` };
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, message: `"${line.trim()}": write Name: value.` };
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) return { ok: false, message: `"${name}" is not a valid header name.` };
    if (reserved.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) {
      return {
        ok: false,
        message: `"${name}" is set by Hookline or by HTTP itself; it cannot be overridden.`,
      };
    }
    if (seen.has(lower)) return { ok: false, message: `"${name}" appears twice.` };
    if (CONTROL.test(value)) return { ok: false, message: `"${name}" has a control character in its value.` };
    seen.add(lower);
    headers[name] = value;
  }
  return { ok: true, headers };
}
