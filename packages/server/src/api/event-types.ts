import type { FastifyInstance } from 'fastify';
import { requireUnscoped } from '../auth/access.ts';
import { ApiError } from '../errors.ts';
import type { Json } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import type { EventTypeSchemas } from './event-type-schemas.ts';
import { presentEventType } from './present.ts';
import {
  anyJson,
  errorResponses,
  eventTypeName,
  pageOf,
  pageQueryProperties,
  storedEventTypeName,
} from './schemas/common.ts';

interface EventTypeInput {
  description?: string;
  schema?: Json | null;
  enforceSchema?: boolean;
  examples?: Json[];
  archived?: boolean;
}

const inputProperties = {
  description: { type: 'string', maxLength: 2000 },
  schema: {
    ...anyJson,
    description:
      'JSON Schema of the payload, draft 2020-12 (or draft-07 when its `$schema` says so); null for none.',
  },
  enforceSchema: {
    type: 'boolean',
    description: 'Refuse publishes whose payload breaks the schema (400 schema_violation).',
  },
  examples: { type: 'array', maxItems: 20, items: anyJson },
  archived: { type: 'boolean' },
} as const;

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: storedEventTypeName },
  additionalProperties: false,
} as const;

/**
 * `/v1/event-types`: the catalog of what publishers send, with optional JSON Schemas. The catalog is
 * global, so only unscoped admin keys change it; every `read` key can list it.
 */
export function eventTypeRoutes(app: FastifyInstance, deps: AppDeps, schemas: EventTypeSchemas): void {
  const tags = ['Event types'];

  app.post<{ Body: EventTypeInput & { name: string } }>(
    '/v1/event-types',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Add an event type to the catalog',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: eventTypeName, ...inputProperties },
        },
        response: { 201: { $ref: 'EventType#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      requireUnscoped(callerOf(request), 'the event-type catalog');
      const body = request.body;
      if ((await deps.store.getEventType(body.name)) !== null) {
        throw new ApiError('conflict', `Event type "${body.name}" already exists; PATCH it instead.`);
      }
      checkSchema(schemas, body.schema ?? null, body.enforceSchema ?? false);
      const saved = await deps.store.upsertEventType({
        name: body.name,
        description: body.description ?? '',
        schema: body.schema ?? null,
        enforceSchema: body.enforceSchema ?? false,
        examples: body.examples ?? [],
        archived: body.archived ?? false,
      });
      schemas.invalidate(saved.name);
      return reply.code(201).send(presentEventType(saved));
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/v1/event-types',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List event types',
        querystring: { type: 'object', additionalProperties: false, properties: pageQueryProperties },
        response: { 200: pageOf('EventType', 'A page of event types.'), ...errorResponses },
      },
    },
    async (request) => {
      const page = await deps.store.listEventTypes({
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
      });
      return { data: page.data.map(presentEventType), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/event-types/:name',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get an event type',
        params: nameParams,
        response: { 200: { $ref: 'EventType#' }, ...errorResponses },
      },
    },
    async (request) => presentEventType(await load(deps, request.params.name)),
  );

  app.patch<{ Params: { name: string }; Body: EventTypeInput }>(
    '/v1/event-types/:name',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Update an event type (only the fields given change)',
        params: nameParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: inputProperties },
        response: { 200: { $ref: 'EventType#' }, ...errorResponses },
      },
    },
    async (request) => {
      requireUnscoped(callerOf(request), 'the event-type catalog');
      const existing = await load(deps, request.params.name);
      const next = {
        name: existing.name,
        description: request.body.description ?? existing.description,
        schema: request.body.schema === undefined ? existing.schema : request.body.schema,
        enforceSchema: request.body.enforceSchema ?? existing.enforceSchema,
        examples: request.body.examples ?? existing.examples,
        archived: request.body.archived ?? existing.archived,
      };
      checkSchema(schemas, next.schema, next.enforceSchema);
      const saved = await deps.store.upsertEventType(next);
      schemas.invalidate(saved.name);
      return presentEventType(saved);
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/v1/event-types/:name',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Remove an event type from the catalog (messages of that type stay)',
        params: nameParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      requireUnscoped(callerOf(request), 'the event-type catalog');
      await load(deps, request.params.name);
      await deps.store.deleteEventType(request.params.name);
      schemas.invalidate(request.params.name);
      return reply.code(204).send();
    },
  );
}

function checkSchema(schemas: EventTypeSchemas, schema: Json | null, enforce: boolean): void {
  if (schema !== null) schemas.assertCompiles(schema);
  else if (enforce) throw new ApiError('invalid_schema', 'enforceSchema needs a schema.');
}

async function load(deps: AppDeps, name: string) {
  const eventType = await deps.store.getEventType(name);
  if (eventType === null) throw new ApiError('not_found', `No event type "${name}".`);
  return eventType;
}
