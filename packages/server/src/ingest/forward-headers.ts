import type { Message } from '../store/types.ts';

/**
 * Stored inbound headers that are never forwarded: the delivery sets its own framing, content type,
 * user agent and Standard Webhooks signature (a Standard Webhooks provider's `webhook-*` headers would
 * collide with Hookline's own), and forwarding hints about the original connection would mislead.
 * `Content-Encoding` is forwarded: the body goes on exactly as it came, compressed if it was, and the
 * receiver needs the coding to read it (endpoints cannot set it, so it always describes the body).
 */
const NOT_FORWARDED = new Set([
  'content-type',
  'accept-encoding',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-hookline-operational',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'forwarded',
]);

// Visible ASCII, space, tab and obs-text: a stored value that is anything else is not sent on.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The provider headers a delivery of an inbound message carries, so the receiver sees what the
 * provider sent (`X-GitHub-Event`, `Stripe-Signature`…; with the body bytes preserved, it can even
 * verify the provider's signature itself). Empty for published messages. The delivery engine adds
 * these first, then the endpoint's custom headers and Hookline's signature, which win on a clash.
 *
 * @example
 * const headers = { ...inboundForwardHeaders(message), ...endpoint.headers, ...signatureHeaders };
 */
export function inboundForwardHeaders(
  message: Pick<Message, 'sourceId' | 'headers'>,
): Record<string, string> {
  if (message.sourceId === null) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (NOT_FORWARDED.has(name) || !FIELD_VALUE.test(value)) continue;
    out[name] = value;
  }
  return out;
}
