import type { IncomingHttpHeaders } from 'node:http';
import type { Source } from '../store/types.ts';
import { utf8Text } from './safe-json.ts';

/**
 * Longest body taken for an ssl_check. Slack's is `ssl_check=1&token=` and a 24-character
 * verification token, about 40 bytes; anything much longer carries something else.
 */
export const MAX_SLACK_SSL_CHECK_BYTES = 128;

const FIELDS = new Set(['ssl_check', 'token']);

/**
 * Whether a request to a `slack` source is Slack's certificate check: a form POST of exactly
 * `ssl_check=1` and at most a `token` (the legacy verification token), uncompressed and short. Slack
 * sends it to slash-command and interactivity Request URLs and expects a 200.
 *
 * It is answered before the signature is checked: Slack does not document it as signed, and Slack's own
 * SDKs answer it before verifying (Bolt for Python's middleware, Bolt for JS's Lambda receiver), so a
 * source must not refuse an unsigned one. That is safe because of what the answer is and what it is
 * not: an empty 200 that stores nothing, forwards nothing, echoes nothing and triggers nothing, given
 * only for this exact shape. A forger learns only that the URL is a live `slack` source, which needs
 * the token in the URL and is already what a POST shows (401 against 404). Any other body, even one
 * with `ssl_check=1` beside other fields (a slash command), goes through verification as usual.
 */
export function isSlackSslCheck(
  source: Pick<Source, 'verification'>,
  headers: IncomingHttpHeaders,
  body: Uint8Array,
): boolean {
  if (source.verification.scheme !== 'slack') return false;
  if (body.length === 0 || body.length > MAX_SLACK_SSL_CHECK_BYTES) return false;
  if (headers['content-encoding'] !== undefined) return false;
  const mediaType = (headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return false;
  const text = utf8Text(body);
  if (text === null) return false;
  const fields = [...new URLSearchParams(text)];
  const names = new Set(fields.map(([name]) => name));
  if (names.size !== fields.length || [...names].some((name) => !FIELDS.has(name))) return false;
  return fields.some(([name, value]) => name === 'ssl_check' && value === '1');
}
