import type { IncomingHttpHeaders } from 'node:http';
import type { BucketConfig } from './ingest-config.ts';
import { headerOf } from './ingest-request.ts';

/**
 * A `WebHook-Request-Origin` worth echoing: the spec asks for a DNS expression naming the sending
 * system (`eventgrid.azure.net`), so visible ASCII without commas (a comma means several headers
 * joined) and at most a host name's length. Anything else is no validation request.
 */
const ORIGIN = /^[\x21-\x2b\x2d-\x7e]{1,255}$/;

/**
 * The `WebHook-Allowed-Rate` to grant, in requests per minute as the spec counts: the lower of the
 * per-source and per-client limits (a sender above it will meet 429s), or `*` when both are off.
 */
export function allowedRateOf(limits: readonly Pick<BucketConfig, 'ratePerSecond'>[]): string {
  const rates = limits.map((limit) => limit.ratePerSecond).filter((rate) => rate > 0);
  if (rates.length === 0) return '*';
  return String(Math.max(1, Math.floor(Math.min(...rates) * 60)));
}

/**
 * The consent headers of CloudEvents' webhook abuse protection ("HTTP 1.1 Web Hooks for Event
 * Delivery", section 4), or null when the request is no validation request. A sender (Azure Event Grid
 * with the CloudEvents schema, Knative and other CloudEvents senders) sends `OPTIONS` with
 * `WebHook-Request-Origin` and delivers only if the answer carries `WebHook-Allowed-Origin`; the
 * status code is not what it reads. The caller answers this only for an enabled source.
 *
 * Consent is always given synchronously, in these headers. The spec's asynchronous variant
 * (`WebHook-Request-Callback`, a URL to GET or POST later) is never called: answering in the
 * response grants the same permission, and calling a URL a request names would make every ingest URL
 * a way to send requests from this server. `WebHook-Allowed-Rate` is always sent: the spec requires
 * it when `WebHook-Request-Rate` was asked and recommends it otherwise; what was asked changes nothing.
 *
 * @example
 * cloudEventsConsent({ 'webhook-request-origin': 'eventgrid.azure.net' }, '120000');
 * // { 'webhook-allowed-origin': 'eventgrid.azure.net', 'webhook-allowed-rate': '120000', allow: 'POST' }
 */
export function cloudEventsConsent(
  headers: IncomingHttpHeaders,
  allowedRate: string,
): Record<string, string> | null {
  const origin = headerOf(headers, 'webhook-request-origin')?.trim();
  if (origin === undefined || !ORIGIN.test(origin)) return null;
  return { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': allowedRate, allow: 'POST' };
}
