import type { WebhookDescription } from '@hookline/webhooks';
import type { Source } from '../store/types.ts';
import { resolveJsonPointer } from './json-pointer.ts';

/** Event type of an inbound request when its rule finds none. */
export const UNKNOWN_EVENT_TYPE = 'unknown';

const MAX_EVENT_TYPE_LENGTH = 256;
const MAX_DEDUP_KEY_LENGTH = 512;

/** What the rules read: headers, the parsed body (undefined when not JSON) and the scheme's description. */
export interface MetaInput {
  header(name: string): string | undefined;
  json: unknown;
  description: WebhookDescription;
  /** The id the scheme verified (Standard Webhooks, Svix sign their `webhook-id`). */
  verifiedId: string | undefined;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Control characters would corrupt logs and headers when the type is forwarded; drop such values. */
function clean(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (trimmed === '' || trimmed.length > max || /[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
  return trimmed;
}

// What an event type name may not hold (api/schemas/common.ts `eventTypeName`), in runs.
const NOT_IN_NAME = /[^A-Za-z0-9_.:/-]+/g;

/**
 * A provider's event type as an event type name: each run of other characters becomes `_` and empty
 * segments go, so GitLab's `Push Hook` is `Push_Hook`. Kept as sent, such a type could be neither
 * subscribed to (endpoint patterns take names only) nor filtered on in the messages list; the header or
 * field it came from is still on the message as sent.
 */
export function toEventTypeName(value: string): string | undefined {
  const name = value
    .replace(NOT_IN_NAME, '_')
    .split('.')
    .filter((segment) => segment !== '')
    .join('.');
  return name === '' ? undefined : name;
}

/**
 * The event type by the source's rule: the provider's own (GitHub `X-GitHub-Event` + `.action`,
 * Stripe and Standard Webhooks JSON `type`, Shopify topic, generic JSON `type`/`event`), a header,
 * a JSON pointer or a fixed name, made a name by {@link toEventTypeName}; `unknown` when the rule finds
 * nothing usable.
 */
export function resolveEventType(source: Source, input: MetaInput): string {
  const rule = source.eventTypeRule;
  let found: string | undefined;
  if (rule.kind === 'provider') found = input.description.eventType;
  else if (rule.kind === 'header') found = input.header(rule.name);
  else if (rule.kind === 'pointer') found = scalar(resolveJsonPointer(input.json, rule.pointer));
  else found = rule.eventType;
  const cleaned = clean(found, MAX_EVENT_TYPE_LENGTH);
  return (cleaned === undefined ? undefined : toEventTypeName(cleaned)) ?? UNKNOWN_EVENT_TYPE;
}

/**
 * The dedup key by the source's rule: the provider's event id (`webhook-id`, `X-GitHub-Delivery`, Stripe
 * JSON `id`, `X-Shopify-Webhook-Id`, …), a header or a JSON pointer; null means no dedup.
 */
export function resolveDedupKey(source: Source, input: MetaInput): string | null {
  const rule = source.dedupRule;
  let found: string | undefined;
  if (rule.kind === 'provider') found = input.verifiedId ?? input.description.id;
  else if (rule.kind === 'header') found = input.header(rule.name);
  else if (rule.kind === 'pointer') found = scalar(resolveJsonPointer(input.json, rule.pointer));
  return clean(found, MAX_DEDUP_KEY_LENGTH) ?? null;
}
