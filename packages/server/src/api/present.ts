import { contentCodingsOf, decodeContentCodings } from '../ingest/content-coding.ts';
import type {
  ApiKey,
  Attempt,
  Delivery,
  Endpoint,
  EventType,
  Json,
  Listener,
  Message,
} from '../store/types.ts';
import { exceedsJsonDepth } from './json-depth.ts';

/**
 * Store records → API representations: ISO 8601 times, and nothing secret (key hashes and endpoint
 * secrets never leave here). Response schemas would drop unknown fields anyway; mapping explicitly
 * means a field added to the store is never exposed by accident.
 */

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export function presentApiKey(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    tenant: key.tenant,
    createdAt: iso(key.createdAt),
    lastUsedAt: isoOrNull(key.lastUsedAt),
    revokedAt: isoOrNull(key.revokedAt),
  };
}

export function presentEndpoint(endpoint: Endpoint, now: number) {
  return {
    id: endpoint.id,
    tenant: endpoint.tenant,
    url: endpoint.url,
    description: endpoint.description,
    disabled: endpoint.disabled,
    disabledReason: endpoint.disabledReason,
    eventTypes: endpoint.eventTypes,
    channels: endpoint.channels,
    sources: endpoint.sources,
    payloadFilter: endpoint.payloadFilter,
    headers: endpoint.headers,
    timeoutMs: endpoint.timeoutMs,
    retrySchedule: endpoint.retrySchedule,
    rateLimitPerSecond: endpoint.rateLimitPerSecond,
    maxConcurrency: endpoint.maxConcurrency,
    signing: endpoint.signing,
    secretCount: endpoint.secrets.filter((secret) => secret.expiresAt === null || secret.expiresAt > now)
      .length,
    failingSince: isoOrNull(endpoint.failingSince),
    metadata: endpoint.metadata,
    createdAt: iso(endpoint.createdAt),
    updatedAt: iso(endpoint.updatedAt),
  };
}

export function presentEventType(eventType: EventType) {
  return {
    name: eventType.name,
    description: eventType.description,
    schema: eventType.schema,
    enforceSchema: eventType.enforceSchema,
    examples: eventType.examples,
    archived: eventType.archived,
    createdAt: iso(eventType.createdAt),
    updatedAt: iso(eventType.updatedAt),
  };
}

export function presentMessageSummary(message: Message) {
  return {
    id: message.id,
    tenant: message.tenant,
    eventType: message.eventType,
    eventId: message.eventId,
    channels: message.channels,
    sourceId: message.sourceId,
    subPath: message.subPath,
    contentType: message.contentType,
    idempotencyKey: message.idempotencyKey,
    createdAt: iso(message.createdAt),
  };
}

/**
 * The full message: the body decoded as JSON when it is JSON, as text otherwise. An inbound body that
 * came compressed is stored (and forwarded) as it came; it is shown with its `Content-Encoding` undone,
 * which `contentEncoding` names, or as it is when it does not decode. `maxDecodedBytes` is the largest
 * body a source may accept (`ingestMaxBodyBytes`): every stored body was decoded within its source's limit.
 */
export async function presentMessage(message: Message, maxDecodedBytes: number) {
  const contentEncoding = message.sourceId === null ? null : (message.headers['content-encoding'] ?? null);
  const decoded = decodeBody(await withoutCoding(message.body, contentEncoding, maxDecodedBytes));
  return {
    ...presentMessageSummary(message),
    headers: message.headers,
    contentEncoding,
    payload: decoded.json,
    body: decoded.text,
    payloadExpired: message.body === null,
  };
}

async function withoutCoding(
  body: Uint8Array | null,
  contentEncoding: string | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (body === null || contentEncoding === null) return body;
  const codings = contentCodingsOf(contentEncoding);
  if (codings === null) return body;
  const decoded = await decodeContentCodings(body, codings, maxBytes);
  return decoded.ok ? decoded.body : body;
}

function decodeBody(body: Uint8Array | null): { json: Json; text: string | null } {
  if (body === null) return { json: null, text: null };
  // Bodies from ingest may nest deeper than we can serialise back; show those as text.
  if (exceedsJsonDepth(body)) return { json: null, text: Buffer.from(body).toString('utf8') };
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return { json: JSON.parse(text) as Json, text: null };
  } catch {
    return { json: null, text };
  }
}

export function presentPublished(message: Message, deliveries?: number) {
  const base = {
    id: message.id,
    eventType: message.eventType,
    tenant: message.tenant,
    channels: message.channels,
    eventId: message.eventId,
    createdAt: iso(message.createdAt),
  };
  return deliveries === undefined ? base : { ...base, deliveries };
}

export function presentDelivery(delivery: Delivery) {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    tenant: delivery.tenant,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    maxAttempts: delivery.maxAttempts,
    nextAttemptAt: isoOrNull(delivery.nextAttemptAt),
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: iso(delivery.createdAt),
    updatedAt: iso(delivery.updatedAt),
    completedAt: isoOrNull(delivery.completedAt),
  };
}

export function presentAttempt(attempt: Attempt) {
  return {
    id: attempt.id,
    deliveryId: attempt.deliveryId,
    messageId: attempt.messageId,
    endpointId: attempt.endpointId,
    attemptNumber: attempt.attemptNumber,
    trigger: attempt.trigger,
    url: attempt.url,
    requestHeaders: attempt.requestHeaders,
    responseStatus: attempt.responseStatus,
    responseHeaders: attempt.responseHeaders,
    responseBody: attempt.responseBody,
    durationMs: attempt.durationMs,
    errorKind: attempt.errorKind,
    errorMessage: attempt.errorMessage,
    createdAt: iso(attempt.createdAt),
  };
}

export function presentListener(listener: Listener) {
  return {
    id: listener.id,
    tenant: listener.tenant,
    name: listener.name,
    forwardUrl: listener.forwardUrl,
    createdAt: iso(listener.createdAt),
    lastSeenAt: iso(listener.lastSeenAt),
  };
}
