import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_TOKEN_HEADER } from '@hookline/webhooks';
import type { Source } from '../store/types.ts';

/**
 * Headers never stored: hop-by-hop ones (they describe this connection, not the event), and
 * credentials (Authorization, Cookie) that must not be replayed to endpoints or shown in the UI.
 */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
  'authorization',
  'cookie',
]);

const MAX_HEADERS = 64;
const MAX_VALUE_LENGTH = 4096;

/**
 * The request headers kept on an inbound message (lower-case names), for forwarding and display:
 * everything but hop-by-hop headers, credentials and the `token` scheme's own header; bounded in count
 * and length so a request with thousands of headers cannot bloat the row.
 */
export function selectHeaders(headers: IncomingHttpHeaders, source: Source): Record<string, string> {
  const tokenHeader =
    source.verification.scheme === 'token'
      ? String(source.verification.header ?? DEFAULT_TOKEN_HEADER).toLowerCase()
      : null;
  const kept: Record<string, string> = {};
  let count = 0;
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined || DROPPED.has(name) || name === tokenHeader) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value.length > MAX_VALUE_LENGTH) continue;
    kept[name] = value;
    if (++count >= MAX_HEADERS) break;
  }
  return kept;
}
