import type { FastifyInstance, FastifyRequest } from 'fastify';
import { writeTenant } from '../auth/access.ts';
import { ApiError } from '../errors.ts';
import { inSpan } from '../ops/tracing.ts';
import { IdempotencyConflictError } from '../store/idempotency-conflict-error.ts';
import type { InsertOutcome, NewMessage } from '../store/store.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import type { EventTypeSchemas } from './event-type-schemas.ts';
import { assertBatchKeysConsistent, assertSameRequest, sameRequest } from './idempotency-conflicts.ts';
import { presentPublished } from './present.ts';
import { elementSpans, memberSpan, type Span, valueSpan } from './raw-json-slice.ts';
import { anyJson, channelName, errorResponses, eventTypeName, tenantName } from './schemas/common.ts';
import { publishedSchema } from './schemas/resources.ts';

interface PublishInput {
  eventType: string;
  payload: unknown;
  tenant?: string | null;
  channels?: string[];
  eventId?: string | null;
  idempotencyKey?: string | undefined;
}

const idempotencyKey = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' } as const;

const messageInputProperties = {
  eventType: eventTypeName,
  payload: { ...anyJson, description: 'Any JSON value; stored byte for byte as sent.' },
  tenant: { anyOf: [tenantName, { type: 'null' }] },
  channels: { type: 'array', maxItems: 10, uniqueItems: true, items: channelName },
  eventId: {
    type: ['string', 'null'],
    minLength: 1,
    maxLength: 256,
    description: 'Your own id for the event.',
  },
} as const;

/** The largest batch: one commit, bounded so a single request cannot hold the write path for long. */
export const MAX_BATCH = 1000;

/**
 * `POST /v1/messages` and `/v1/messages/batch`: validate, check the event type's schema, route, then
 * store the message with one delivery per matching endpoint in one commit, and only then answer 202.
 */
export function publishRoutes(app: FastifyInstance, deps: AppDeps, schemas: EventTypeSchemas): void {
  const tags = ['Messages'];

  app.post<{ Body: PublishInput; Headers: { 'idempotency-key'?: string } }>(
    '/v1/messages',
    {
      config: { scope: 'publish' },
      bodyLimit: deps.config.publishMaxBodyBytes,
      schema: {
        tags,
        summary: 'Publish an event; 202 once it and its deliveries are committed',
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              ...idempotencyKey,
              description: 'Retries with the same key (per tenant) get the original 202 and the same id.',
            },
          },
        },
        body: {
          type: 'object',
          required: ['eventType', 'payload'],
          additionalProperties: false,
          properties: messageInputProperties,
        },
        response: { 202: { $ref: 'PublishedMessage#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Tracing on: a `publish` span whose traceparent the message keeps (store and attempts hang under it).
      const trace = deps.tracing?.startServer('publish', {
        'http.request.method': 'POST',
        'http.route': '/v1/messages',
        'hookline.event_type': request.body.eventType,
      });
      return inSpan(trace, async () => {
        const payloadSpan = spanOf(request.rawBody, (bytes) =>
          memberSpan(bytes, 'payload', valueSpan(bytes, 0)),
        );
        const input = { ...request.body, idempotencyKey: request.headers['idempotency-key'] };
        const message = await prepare(deps, schemas, request, input, payloadSpan);
        if (trace) message.traceParent = trace.traceparent;
        const outcome = await deps.store.insertMessage(message);
        trace?.set({
          'hookline.message.id': outcome.message.id,
          'hookline.duplicate': outcome.duplicate,
          'http.response.status_code': 202,
        });
        if (outcome.duplicate) {
          assertSameRequest(outcome, message);
          reply.header('idempotent-replayed', 'true');
          return reply.code(202).send(presentPublished(outcome.message));
        }
        return reply.code(202).send(presentPublished(outcome.message, outcome.deliveryIds.length));
      });
    },
  );

  app.post<{ Body: { messages: PublishInput[] } }>(
    '/v1/messages/batch',
    {
      config: { scope: 'publish' },
      bodyLimit: deps.config.batchMaxBodyBytes,
      schema: {
        tags,
        summary: `Publish up to ${MAX_BATCH} events in one commit (all or nothing)`,
        description:
          'Items with an `idempotencyKey` already used for the same request are not stored again; they come back with `duplicate: true` and the original id, so a retried batch answers the ids of the first. A key reused for a different request (by an earlier publish or by another item of the batch) is `409 idempotency_conflict` naming the items, and nothing of the batch is stored. Keys go per item: an `Idempotency-Key` header is refused. Each item is held to the size cap of a single publish (`publishMaxBodyBytes`): a larger one is `413 payload_too_large` naming it.',
        body: {
          type: 'object',
          required: ['messages'],
          additionalProperties: false,
          properties: {
            messages: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_BATCH,
              items: {
                type: 'object',
                required: ['eventType', 'payload'],
                additionalProperties: false,
                properties: { ...messageInputProperties, idempotencyKey },
              },
            },
          },
        },
        response: {
          202: {
            type: 'object',
            required: ['data'],
            properties: {
              data: {
                type: 'array',
                items: {
                  type: 'object',
                  required: [...publishedSchema.required, 'duplicate'],
                  properties: { ...publishedSchema.properties, duplicate: { type: 'boolean' } },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      // Silently ignoring it would let a client believe its retried batch is deduplicated.
      if (request.headers['idempotency-key'] !== undefined) {
        throw new ApiError(
          'validation_failed',
          'The batch takes no Idempotency-Key header: give each message its own idempotencyKey.',
          { details: [{ path: '/headers/idempotency-key', message: 'not accepted on /v1/messages/batch' }] },
        );
      }
      const trace = deps.tracing?.startServer('publish', {
        'http.request.method': 'POST',
        'http.route': '/v1/messages/batch',
        'hookline.message.count': request.body.messages.length,
      });
      const traceParent = trace?.traceparent ?? null;
      return inSpan(trace, async () => {
        const raw = request.rawBody;
        const items = spanOf(raw, (bytes) => {
          const list = memberSpan(bytes, 'messages', valueSpan(bytes, 0));
          return list === null ? null : elementSpans(bytes, list);
        });
        assertItemsFit(request.body.messages, items, deps.config.publishMaxBodyBytes);
        const messages: NewMessage[] = [];
        for (const [index, input] of request.body.messages.entries()) {
          const item = items?.[index];
          const span = raw === undefined || item === undefined ? null : memberSpan(raw, 'payload', item);
          const message = await prepare(deps, schemas, request, input, span);
          messages.push(traceParent === null ? message : { ...message, traceParent });
        }
        assertBatchKeysConsistent(messages);
        const outcomes = await insertAllOrNothing(deps, messages);
        const data = outcomes.map((outcome) =>
          outcome.duplicate
            ? { ...presentPublished(outcome.message), duplicate: true }
            : { ...presentPublished(outcome.message, outcome.deliveryIds.length), duplicate: false },
        );
        return reply.code(202).send({ data });
      });
    },
  );
}

/**
 * The batch's one commit, with duplicates inside the all or nothing: a key reused for a different
 * request refuses the whole batch and stores none of it (the store decides in the commit, race-free),
 * so a client can fix the item and retry the same batch.
 */
async function insertAllOrNothing(deps: AppDeps, messages: NewMessage[]): Promise<InsertOutcome[]> {
  try {
    return await deps.store.insertMessages(messages, { sameRequest });
  } catch (error) {
    if (!(error instanceof IdempotencyConflictError)) throw error;
    const conflicts = error.conflicts.map((c) => ({ index: c.index, messageId: c.existing.id }));
    throw new ApiError(
      'idempotency_conflict',
      `messages[${conflicts.map((c) => c.index).join('], [')}] reuse the idempotencyKey of a different earlier request; nothing of the batch was stored.`,
      { details: { conflicts } },
    );
  }
}

/**
 * Each item is held to the cap a single `POST /v1/messages` body has, measured the same way (the item
 * object's bytes as sent), so batching is no way around `publishMaxBodyBytes`; the batch's own limit
 * (`batchMaxBodyBytes`) only bounds the request as a whole.
 */
function assertItemsFit(inputs: PublishInput[], spans: Span[] | null, limit: number): void {
  const indexes: number[] = [];
  for (const [index, input] of inputs.entries()) {
    const span = spans?.[index];
    const bytes = span === undefined ? Buffer.byteLength(JSON.stringify(input)) : span.end - span.start;
    if (bytes > limit) indexes.push(index);
  }
  if (indexes.length > 0) {
    throw new ApiError(
      'payload_too_large',
      `messages[${indexes.join('], [')}] ${indexes.length === 1 ? 'is' : 'are'} larger than ${limit} bytes, the largest message POST /v1/messages takes (publishMaxBodyBytes).`,
      { details: { indexes, limit } },
    );
  }
}

function spanOf<T>(raw: Buffer | undefined, find: (bytes: Buffer) => T | null): T | null {
  return raw === undefined ? null : find(raw);
}

async function prepare(
  deps: AppDeps,
  schemas: EventTypeSchemas,
  request: FastifyRequest,
  input: PublishInput,
  span: Span | null,
): Promise<NewMessage> {
  const tenant = writeTenant(callerOf(request), input.tenant);
  await schemas.check(input.eventType, input.payload);
  const channels = input.channels ?? [];
  const endpoints = await deps.router.route({
    tenant,
    eventType: input.eventType,
    channels,
    sourceId: null,
    payload: input.payload,
  });
  return {
    tenant,
    eventType: input.eventType,
    eventId: input.eventId ?? null,
    channels,
    headers: {},
    contentType: 'application/json',
    body: payloadBytes(request.rawBody, span, input.payload),
    idempotencyKey: input.idempotencyKey ?? null,
    deliveries: endpoints.map((endpoint) => ({
      endpointId: endpoint.id,
      maxAttempts: deps.maxAttempts(endpoint),
    })),
  };
}

/**
 * The payload's bytes exactly as sent. The fallback re-serialises, which only happens if the body was
 * not captured (a parser change): correct JSON either way, just not byte-identical.
 */
function payloadBytes(raw: Buffer | undefined, span: Span | null, payload: unknown): Uint8Array {
  if (raw !== undefined && span !== null) return raw.subarray(span.start, span.end);
  return Buffer.from(JSON.stringify(payload));
}
