/** Text-field parsers shared by the forms: lists and `Name: value` header lines. */

/** `a, b` or one per line → `['a', 'b']` (blanks dropped). */
export function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

// Set by Hookline itself or by the HTTP framing: a custom header may never replace them (server:
// delivery/endpoint-headers.ts, which also refuses `proxy-*` and `sec-*`).
const ALWAYS_RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'http2-settings',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export type HeaderLines = { ok: true; headers: Record<string, string> } | { ok: false; message: string };

/** `X-Team: billing` lines → `{ 'X-Team': 'billing' }`, refusing reserved, duplicate or malformed names. */
export function parseHeaderLines(text: string, alsoReserved: readonly string[]): HeaderLines {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const reserved = new Set([...ALWAYS_RESERVED, ...alsoReserved.map((name) => name.toLowerCase())]);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length > 32) return { ok: false, message: 'At most 32 headers.' };
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
