import { LIMITS } from '../../config.ts';
import { anyJson, channelName, resourceId, stringMap, tenantName } from './common.ts';

/** Writable endpoint fields (create and update share them; create requires `url`). */
export const endpointInputProperties = {
  url: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    description: 'http(s) URL; checked against the SSRF policy.',
  },
  description: { type: 'string', maxLength: 1000 },
  tenant: { anyOf: [tenantName, { type: 'null' }] },
  disabled: { type: 'boolean' },
  eventTypes: {
    type: ['array', 'null'],
    maxItems: 256,
    items: { type: 'string', minLength: 1, maxLength: 256 },
    description: 'Event types to receive; `*` wildcards allowed (`invoice.*`); null for all.',
  },
  channels: { type: ['array', 'null'], maxItems: 64, items: channelName },
  sources: { type: ['array', 'null'], maxItems: 256, items: resourceId },
  payloadFilter: {
    ...anyJson,
    description: 'JSON payload filter ($eq $neq $in $nin $gt $gte $lt $lte $exists $or $and).',
  },
  headers: { ...stringMap, maxProperties: 32, description: 'Custom headers; reserved ones are refused.' },
  timeoutMs: { type: 'integer', minimum: LIMITS.minAttemptTimeoutMs, maximum: LIMITS.maxAttemptTimeoutMs },
  retrySchedule: {
    type: ['array', 'null'],
    maxItems: LIMITS.maxRetryScheduleEntries,
    items: { type: 'integer', minimum: 0, maximum: LIMITS.maxRetryDelayMs },
    description:
      'Delays in ms before each retry ([] = one attempt, no retries); null uses the server default.',
  },
  rateLimitPerSecond: { type: ['integer', 'null'], minimum: 1, maximum: 100_000 },
  maxConcurrency: { type: ['integer', 'null'], minimum: 1, maximum: 10_000 },
  signing: { $ref: 'SigningScheme#' },
  metadata: { ...stringMap, maxProperties: 32 },
} as const;

export const endpointCreateBody = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    ...endpointInputProperties,
    secret: {
      type: 'string',
      minLength: 1,
      maxLength: 512,
      description: 'Signing secret; generated when omitted.',
    },
  },
} as const;

export const endpointPatchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: endpointInputProperties,
} as const;
