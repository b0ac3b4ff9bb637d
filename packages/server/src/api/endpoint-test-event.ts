import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import type { Json } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { loadEndpoint } from './endpoints.ts';
import type { EventTypeSchemas } from './event-type-schemas.ts';
import { optionalBodySchema, takeNoBodyAsEmpty } from './optional-body.ts';
import { iso } from './present.ts';
import { errorResponses, eventTypeName, idParams } from './schemas/common.ts';

interface TestEventBody {
  eventType?: string;
  payload?: Record<string, unknown>;
}

/**
 * `POST /v1/endpoints/{id}/test`: publishes a message delivered to this endpoint only, whatever its
 * filters say (an explicit test is not routed): the message and its one delivery are stored in one commit
 * by insertMessage, the same write a publish does, and the worker sends it like any other. Its payload
 * keeps to the event type's enforced schema as a publish's does: a receiver of an enforced type may rely
 * on every payload of it matching, test events included.
 */
export function endpointTestEventRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  schemas: EventTypeSchemas,
): void {
  app.post<{ Params: { id: string }; Body: TestEventBody | undefined }>(
    '/v1/endpoints/:id/test',
    {
      config: { scope: 'publish' },
      // No body at all (`curl -X POST …/test`) means every default, as `{}` does.
      preValidation: takeNoBodyAsEmpty,
      schema: {
        ...optionalBodySchema,
        tags: ['Endpoints'],
        summary: 'Send a test event to this endpoint only (its event-type and payload filters do not apply)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            eventType: { ...eventTypeName, default: 'hookline.test' },
            payload: {
              type: 'object',
              description:
                'Default: the event type\'s first example, else `{"test":true,"sentAt":"<now, ISO 8601>"}`. Checked against the type\'s schema when it is enforced (400 schema_violation), as on publish.',
            },
          },
        },
        response: {
          202: {
            type: 'object',
            required: ['messageId', 'deliveryId'],
            properties: { messageId: { type: 'string' }, deliveryId: { type: 'string' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const endpoint = await loadEndpoint(deps, request, request.params.id);
      if (endpoint.disabled) {
        throw new ApiError('endpoint_disabled', 'This endpoint is disabled: enable it before testing it.');
      }
      const eventType = request.body?.eventType ?? 'hookline.test';
      const given = request.body?.payload;
      const payload = given ?? (await defaultPayload(deps, request.body?.eventType));
      await checkSchema(schemas, eventType, payload, given !== undefined);
      const outcome = await deps.store.insertMessage({
        // The endpoint's tenant, so a tenant key that owns the endpoint sees the test message too.
        tenant: endpoint.tenant,
        eventType,
        channels: [],
        headers: {},
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(payload)),
        deliveries: [{ endpointId: endpoint.id, maxAttempts: deps.maxAttempts(endpoint) }],
      });
      // No idempotency key, so never a duplicate; the check keeps the types honest.
      if (outcome.duplicate || outcome.deliveryIds[0] === undefined) {
        throw new ApiError('internal_error', 'The test message was not stored.');
      }
      return reply.code(202).send({ messageId: outcome.message.id, deliveryId: outcome.deliveryIds[0] });
    },
  );
}

/** The event type's first example when it has one (what its receivers expect), else a generic marker. */
async function defaultPayload(deps: AppDeps, eventType: string | undefined): Promise<Json> {
  const example =
    eventType === undefined ? undefined : (await deps.store.getEventType(eventType))?.examples[0];
  return example ?? { test: true, sentAt: iso(deps.clock()) };
}

async function checkSchema(
  schemas: EventTypeSchemas,
  eventType: string,
  payload: unknown,
  given: boolean,
): Promise<void> {
  try {
    await schemas.check(eventType, payload);
  } catch (error) {
    if (given || !(error instanceof ApiError) || error.code !== 'schema_violation') throw error;
    throw new ApiError(
      'schema_violation',
      `The default test payload does not match the schema of "${eventType}": pass a payload, or give the event type an example.`,
      { details: error.details },
    );
  }
}
