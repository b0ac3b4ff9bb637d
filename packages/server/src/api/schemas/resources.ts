import { anyJson, isoTime, nullableIsoTime, stringMap } from './common.ts';

/** Response shapes, registered once with `$id` and referenced as `Name#` by routes. */

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable code, see docs/errors.md.' },
        message: { type: 'string' },
        details: anyJson,
      },
    },
  },
} as const;

export const signingSchema = {
  $id: 'SigningScheme',
  description:
    'How deliveries are signed: Standard Webhooks v1 (HMAC-SHA256, default) or v1a (ed25519), or a legacy HMAC or token header.',
  oneOf: [
    {
      type: 'object',
      required: ['scheme'],
      additionalProperties: false,
      properties: { scheme: { const: 'standard-webhooks-v1' } },
    },
    {
      type: 'object',
      required: ['scheme'],
      additionalProperties: false,
      properties: { scheme: { const: 'standard-webhooks-v1a' } },
    },
    {
      type: 'object',
      required: ['scheme', 'header', 'algorithm', 'encoding'],
      additionalProperties: false,
      properties: {
        scheme: { const: 'hmac' },
        header: { type: 'string', minLength: 1, maxLength: 128 },
        algorithm: { enum: ['sha256', 'sha1', 'sha512'] },
        encoding: { enum: ['hex', 'base64'] },
        prefix: { type: 'string', maxLength: 64 },
        timestampHeader: { type: 'string', minLength: 1, maxLength: 128 },
        // e.g. `{timestamp}.{body}`; absent signs the body alone (the seeds' X-Signature receivers).
        signedContent: { type: 'string', minLength: 6, maxLength: 128, pattern: '\\{body\\}' },
      },
    },
    {
      type: 'object',
      required: ['scheme', 'header'],
      additionalProperties: false,
      properties: { scheme: { const: 'token' }, header: { type: 'string', minLength: 1, maxLength: 128 } },
    },
  ],
} as const;

export const apiKeySchema = {
  $id: 'ApiKey',
  type: 'object',
  required: ['id', 'name', 'prefix', 'scopes', 'tenant', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The first characters of the key, to recognise it.' },
    scopes: { type: 'array', items: { enum: ['admin', 'publish', 'read'] } },
    tenant: { type: ['string', 'null'] },
    createdAt: isoTime,
    lastUsedAt: nullableIsoTime,
    revokedAt: nullableIsoTime,
  },
} as const;

const endpointProperties = {
  id: { type: 'string' },
  tenant: { type: ['string', 'null'] },
  url: { type: 'string' },
  description: { type: 'string' },
  disabled: { type: 'boolean' },
  disabledReason: { type: ['string', 'null'] },
  eventTypes: { type: ['array', 'null'], items: { type: 'string' } },
  channels: { type: ['array', 'null'], items: { type: 'string' } },
  sources: { type: ['array', 'null'], items: { type: 'string' } },
  payloadFilter: anyJson,
  headers: stringMap,
  timeoutMs: { type: 'integer' },
  retrySchedule: { type: ['array', 'null'], items: { type: 'integer' } },
  rateLimitPerSecond: { type: ['integer', 'null'] },
  maxConcurrency: { type: ['integer', 'null'] },
  signing: { type: 'object', additionalProperties: true, properties: { scheme: { type: 'string' } } },
  secretCount: {
    type: 'integer',
    description: 'Secrets currently signing (1 + those in their rotation grace).',
  },
  failingSince: nullableIsoTime,
  metadata: stringMap,
  createdAt: isoTime,
  updatedAt: isoTime,
} as const;

export const endpointSchema = {
  $id: 'Endpoint',
  description: 'A destination. Its signing secret is shown only on create and rotate.',
  type: 'object',
  required: Object.keys(endpointProperties),
  properties: endpointProperties,
} as const;

export const eventTypeSchema = {
  $id: 'EventType',
  type: 'object',
  required: [
    'name',
    'description',
    'schema',
    'enforceSchema',
    'examples',
    'archived',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    schema: anyJson,
    enforceSchema: { type: 'boolean' },
    examples: { type: 'array', items: anyJson },
    archived: { type: 'boolean' },
    createdAt: isoTime,
    updatedAt: isoTime,
  },
} as const;

const messageSummaryProperties = {
  id: { type: 'string' },
  tenant: { type: ['string', 'null'] },
  eventType: { type: 'string' },
  eventId: { type: ['string', 'null'] },
  channels: { type: 'array', items: { type: 'string' } },
  sourceId: { type: ['string', 'null'] },
  subPath: { type: ['string', 'null'] },
  contentType: { type: 'string' },
  idempotencyKey: { type: ['string', 'null'] },
  createdAt: isoTime,
} as const;

export const messageSummarySchema = {
  $id: 'MessageSummary',
  type: 'object',
  required: Object.keys(messageSummaryProperties),
  properties: messageSummaryProperties,
} as const;

export const messageSchema = {
  $id: 'Message',
  type: 'object',
  required: [
    ...Object.keys(messageSummaryProperties),
    'headers',
    'contentEncoding',
    'payload',
    'body',
    'payloadExpired',
  ],
  properties: {
    ...messageSummaryProperties,
    headers: stringMap,
    contentEncoding: {
      type: ['string', 'null'],
      description:
        'The Content-Encoding an inbound body came with (it is stored and forwarded so); payload and body show it decoded. Null when it came unencoded.',
    },
    payload: {
      ...anyJson,
      description: 'The body decoded as JSON; null when it is not JSON or has expired.',
    },
    body: { type: ['string', 'null'], description: 'The body as UTF-8 text when it is not JSON.' },
    payloadExpired: { type: 'boolean', description: 'True once payload retention cleared the body.' },
  },
} as const;

export const publishedSchema = {
  $id: 'PublishedMessage',
  type: 'object',
  required: ['id', 'eventType', 'tenant', 'channels', 'eventId', 'createdAt'],
  properties: {
    id: { type: 'string' },
    eventType: { type: 'string' },
    tenant: { type: ['string', 'null'] },
    channels: { type: 'array', items: { type: 'string' } },
    eventId: { type: ['string', 'null'] },
    createdAt: isoTime,
    deliveries: {
      type: 'integer',
      description: 'Deliveries created (absent when the Idempotency-Key matched an earlier publish).',
    },
  },
} as const;

const deliveryProperties = {
  id: { type: 'string' },
  messageId: { type: 'string' },
  endpointId: { type: 'string' },
  tenant: { type: ['string', 'null'] },
  status: { enum: ['pending', 'in_flight', 'succeeded', 'failed', 'exhausted', 'cancelled'] },
  attemptCount: {
    type: 'integer',
    description:
      'Scheduled attempts so far (what the retry schedule and maxAttempts count; resends are not).',
  },
  maxAttempts: { type: 'integer' },
  nextAttemptAt: nullableIsoTime,
  lastStatusCode: { type: ['integer', 'null'] },
  lastError: { type: ['string', 'null'] },
  createdAt: isoTime,
  updatedAt: isoTime,
  completedAt: nullableIsoTime,
} as const;

export const deliverySchema = {
  $id: 'Delivery',
  type: 'object',
  required: Object.keys(deliveryProperties),
  properties: deliveryProperties,
} as const;

const attemptProperties = {
  id: { type: 'string' },
  deliveryId: { type: 'string' },
  messageId: { type: 'string' },
  endpointId: { type: 'string' },
  attemptNumber: {
    type: 'integer',
    description:
      "The attempt's place among all of its delivery's attempts, scheduled and manual (1, 2, 3…); never shared by two.",
  },
  trigger: {
    enum: ['scheduled', 'manual', 'cli'],
    description:
      '`cli`: a forward reported by `hookline listen` (its `endpointId` is a listener id, `lsn_…`).',
  },
  url: { type: 'string' },
  requestHeaders: stringMap,
  responseStatus: { type: ['integer', 'null'] },
  responseHeaders: stringMap,
  responseBody: { type: ['string', 'null'] },
  durationMs: { type: 'integer' },
  errorKind: { type: 'string' },
  errorMessage: { type: ['string', 'null'] },
  createdAt: isoTime,
} as const;

export const attemptSchema = {
  $id: 'Attempt',
  type: 'object',
  required: Object.keys(attemptProperties),
  properties: attemptProperties,
} as const;

const listenerProperties = {
  id: { type: 'string' },
  tenant: { type: ['string', 'null'] },
  name: { type: 'string' },
  forwardUrl: { type: 'string', description: 'The local URL of the latest forward reported.' },
  createdAt: isoTime,
  lastSeenAt: isoTime,
} as const;

export const listenerSchema = {
  $id: 'Listener',
  type: 'object',
  description: 'A `hookline listen` session (one per tenant and name); never routed to, never delivered to.',
  required: Object.keys(listenerProperties),
  properties: listenerProperties,
} as const;

/** Every shared schema, in registration order. */
export const SHARED_SCHEMAS = [
  errorSchema,
  signingSchema,
  apiKeySchema,
  endpointSchema,
  eventTypeSchema,
  messageSummarySchema,
  messageSchema,
  publishedSchema,
  deliverySchema,
  attemptSchema,
  listenerSchema,
] as const;
