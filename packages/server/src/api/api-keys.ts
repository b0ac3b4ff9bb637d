import type { FastifyInstance } from 'fastify';
import { readTenant, visibleOr404, writeTenant } from '../auth/access.ts';
import { mintApiKey } from '../auth/api-key-token.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { ApiKeyScope } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { presentApiKey } from './present.ts';
import { errorResponses, idParams, pageOf, pageQueryProperties, tenantName } from './schemas/common.ts';
import { apiKeySchema } from './schemas/resources.ts';

interface CreateBody {
  name: string;
  scopes: ApiKeyScope[];
  tenant?: string | null;
}

/** `/v1/api-keys`: create (the key is shown once), list and revoke. Admin scope. */
export function apiKeyRoutes(app: FastifyInstance, deps: AppDeps, authenticator: Authenticator): void {
  const tags = ['API keys'];

  app.post<{ Body: CreateBody }>(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Create an API key; the key is in this response only',
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            scopes: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { enum: ['admin', 'publish', 'read'] },
            },
            tenant: { anyOf: [tenantName, { type: 'null' }] },
          },
        },
        response: {
          201: {
            type: 'object',
            required: [...apiKeySchema.required, 'key'],
            properties: {
              ...apiKeySchema.properties,
              key: { type: 'string', description: 'Shown once; only its hash is stored.' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const tenant = writeTenant(callerOf(request), request.body.tenant);
      const minted = mintApiKey(deps.random);
      const created = await deps.store.createApiKey({
        name: request.body.name,
        hash: minted.hash,
        prefix: minted.prefix,
        scopes: request.body.scopes,
        tenant,
      });
      return reply.code(201).send({ ...presentApiKey(created), key: minted.key });
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string; tenant?: string } }>(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'List API keys (hashes are never returned)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQueryProperties, tenant: tenantName },
        },
        response: { 200: pageOf('ApiKey', 'A page of API keys.'), ...errorResponses },
      },
    },
    async (request) => {
      const tenant = readTenant(callerOf(request), request.query.tenant);
      const page = await deps.store.listApiKeys({
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
        ...(tenant === undefined ? {} : { tenant }),
      });
      return { data: page.data.map(presentApiKey), nextCursor: page.nextCursor };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/api-keys/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Revoke an API key (it stops working at once in this process, within 5 s in others)',
        params: idParams,
        response: { 200: { $ref: 'ApiKey#' }, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const tenant = readTenant(caller, undefined);
      // The store has no getApiKey: look among the keys the caller can see, so tenants cannot revoke others' keys.
      const existing = await findKey(deps, request.params.id, tenant);
      visibleOr404(caller, existing, 'API key');
      const revoked = await deps.store.revokeApiKey(request.params.id);
      authenticator.forget(revoked.id);
      return presentApiKey(revoked);
    },
  );
}

async function findKey(deps: AppDeps, id: string, tenant: string | undefined) {
  let cursor: string | null = null;
  do {
    const page = await deps.store.listApiKeys({
      limit: 1000,
      cursor,
      ...(tenant === undefined ? {} : { tenant }),
    });
    const found = page.data.find((key) => key.id === id);
    if (found) return found;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return null;
}
