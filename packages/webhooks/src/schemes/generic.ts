import type { WebhookDescription, WebhookRequest } from '../scheme.ts';
import { jsonField, jsonOf } from '../scheme-support.ts';

/**
 * Metadata for the generic schemes (hmac, token, basic, none), which know nothing of the sender:
 * the JSON `id`, and the JSON `type` (or `event`, as many home-grown senders name it).
 */
export function describeGeneric(request: WebhookRequest, json?: unknown): WebhookDescription {
  const parsed = jsonOf(request, json);
  const id = jsonField(parsed, 'id');
  const eventType = jsonField(parsed, 'type') ?? jsonField(parsed, 'event');
  return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
}
