/**
 * JSON Schema building blocks shared by every route. Shared object schemas are registered with `$id`
 * (see `register-schemas.ts`) so the generated OpenAPI names them as components.
 */

export const nullable = <T extends { type: string }>(schema: T) => ({
  ...schema,
  type: [schema.type, 'null'],
});

export const isoTime = { type: 'string', format: 'date-time' } as const;
export const nullableIsoTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Any JSON value (payloads, filters, schemas). */
export const anyJson = {} as const;

export const tenantName = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_.:-]+$',
} as const;
/**
 * An event type name as written (publish, event types, test events, a source's fixed type): dot-separated
 * segments, none empty, since `invoice..paid` or `x.` is a typo no endpoint pattern could be meant for.
 */
export const eventTypeName = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[A-Za-z0-9_:/-]+(\\.[A-Za-z0-9_:/-]+)*$',
  description: 'Dot-separated segments of letters, digits and `_ : / -`, none empty, e.g. `invoice.paid`.',
} as const;
/** An event type name looked up or filtered on: also those stored before empty segments were refused. */
export const storedEventTypeName = {
  ...eventTypeName,
  pattern: '^[A-Za-z0-9_.:/-]+$',
  description: 'Letters, digits and `_ . : / -`, e.g. `invoice.paid`.',
} as const;
export const channelName = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_.:-]+$',
} as const;
export const resourceId = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z]+_[0-9A-Z]+$',
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: resourceId },
  additionalProperties: false,
} as const;

export const pageQueryProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  cursor: { type: 'string', minLength: 1, maxLength: 512, description: '`nextCursor` of the previous page.' },
} as const;

export const timeRangeQueryProperties = {
  since: { ...isoTime, description: 'Only records created at or after this time.' },
  until: { ...isoTime, description: 'Only records created before this time.' },
} as const;

export const errorResponse = { $ref: 'Error#' } as const;

/** Error responses every authenticated route may give. */
export const errorResponses = {
  '4xx': errorResponse,
  '5xx': errorResponse,
} as const;

export function pageOf(itemRef: string, description: string) {
  return {
    description,
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: { $ref: `${itemRef}#` } },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page; null at the end.',
      },
    },
  } as const;
}

export const countResponse = (field: string, description: string) =>
  ({
    type: 'object',
    required: [field],
    properties: { [field]: { type: 'integer', description } },
  }) as const;
