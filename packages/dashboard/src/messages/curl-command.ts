import type { Message } from '../api/types.ts';

/** Headers curl sets itself or that describe the original connection, not the event. */
const SKIPPED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'accept-encoding',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'authorization',
  'cookie',
]);

/** Single-quotes a word for a POSIX shell (`'` becomes `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** The body as the message stored it: the text, or the JSON payload serialised compactly. */
export function bodyText(message: Message): string | null {
  if (message.payloadExpired) return null;
  if (message.body !== null) return message.body;
  return JSON.stringify(message.payload);
}

/**
 * The message as a `curl` command that posts its body and headers to `url`, to replay it against a
 * receiver by hand. Credentials the sender attached (Authorization, Cookie) are left out on purpose.
 */
export function curlCommand(message: Message, url: string): string {
  const lines = [`curl -X POST ${shellQuote(url)}`];
  // The body shown (and posted here) is decoded when it came compressed, so its coding no longer applies.
  const decoded = message.contentEncoding !== null;
  const headers = Object.entries(message.headers).filter(
    ([name]) => !SKIPPED.has(name.toLowerCase()) && !(decoded && name.toLowerCase() === 'content-encoding'),
  );
  if (message.contentType && !headers.some(([name]) => name.toLowerCase() === 'content-type')) {
    headers.unshift(['content-type', message.contentType]);
  }
  for (const [name, value] of headers) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  const body = bodyText(message);
  if (body !== null) lines.push(`--data-raw ${shellQuote(body)}`);
  return lines.join(' \\\n  ');
}
