import type { FastifyInstance } from 'fastify';
import { readTenant, visibleOr404, writeTenant } from '../auth/access.ts';
import { ApiError } from '../errors.ts';
import type { EndpointPatch } from '../store/store.ts';
import type { ApiKey, Endpoint, Json, SigningScheme } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { issueSecret } from './endpoint-secrets.ts';
import {
  assertEventTypePatterns,
  assertPayloadFilter,
  assertSignedContent,
  assertSigningHeaders,
  assertSourcesExist,
  checkCustomHeaders,
  checkDestinationUrl,
} from './endpoint-validation.ts';
import { presentEndpoint } from './present.ts';
import { errorResponses, idParams, pageOf, pageQueryProperties, tenantName } from './schemas/common.ts';
import { endpointCreateBody, endpointPatchBody } from './schemas/endpoint-input.ts';
import { endpointSchema } from './schemas/resources.ts';

/** The writable fields as the API receives them. */
export interface EndpointInput {
  url?: string;
  description?: string;
  tenant?: string | null;
  disabled?: boolean;
  eventTypes?: string[] | null;
  channels?: string[] | null;
  sources?: string[] | null;
  payloadFilter?: Json | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retrySchedule?: number[] | null;
  rateLimitPerSecond?: number | null;
  maxConcurrency?: number | null;
  signing?: SigningScheme;
  metadata?: Record<string, string>;
}

export const endpointWithSecretSchema = {
  type: 'object',
  required: [...endpointSchema.required, 'secret'],
  properties: {
    ...endpointSchema.properties,
    secret: { type: 'string', description: 'The signing secret; shown on create and rotate only.' },
    publicKey: { type: 'string', description: 'For v1a: the whpk_ public key receivers verify with.' },
  },
} as const;

/** `/v1/endpoints` CRUD. Reads need `read`, writes `admin`. */
export function endpointRoutes(app: FastifyInstance, deps: AppDeps): void {
  const tags = ['Endpoints'];

  app.post<{ Body: EndpointInput & { url: string; secret?: string } }>(
    '/v1/endpoints',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Create an endpoint; the response holds its signing secret (shown only here and on rotate)',
        body: endpointCreateBody,
        response: { 201: endpointWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const tenant = writeTenant(callerOf(request), body.tenant);
      const signing = body.signing ?? { scheme: 'standard-webhooks-v1' };
      validate(body, signing, deps);
      await assertSourcesExist(deps.store, callerOf(request), body.sources);
      const issued = await issueSecret(signing, body.secret, deps.random);
      const now = deps.clock();
      const created = await deps.store.createEndpoint({
        tenant,
        url: body.url,
        description: body.description ?? '',
        disabled: body.disabled ?? false,
        disabledReason: body.disabled ? 'disabled on creation' : null,
        eventTypes: body.eventTypes ?? null,
        channels: body.channels ?? null,
        sources: body.sources ?? null,
        payloadFilter: body.payloadFilter ?? null,
        headers: body.headers ?? {},
        timeoutMs: body.timeoutMs ?? deps.config.attemptTimeoutMs,
        retrySchedule: body.retrySchedule ?? null,
        rateLimitPerSecond: body.rateLimitPerSecond ?? null,
        maxConcurrency: body.maxConcurrency ?? null,
        signing,
        secrets: [{ secret: issued.secret, createdAt: now, expiresAt: null }],
        metadata: body.metadata ?? {},
      });
      deps.router.invalidate();
      return reply.code(201).send({ ...presentEndpoint(created, now), ...issued });
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string; tenant?: string } }>(
    '/v1/endpoints',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List endpoints',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQueryProperties, tenant: tenantName },
        },
        response: { 200: pageOf('Endpoint', 'A page of endpoints.'), ...errorResponses },
      },
    },
    async (request) => {
      const tenant = readTenant(callerOf(request), request.query.tenant);
      const page = await deps.store.listEndpoints({
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
        ...(tenant === undefined ? {} : { tenant }),
      });
      const now = deps.clock();
      return {
        data: page.data.map((endpoint) => presentEndpoint(endpoint, now)),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/endpoints/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get an endpoint',
        params: idParams,
        response: { 200: { $ref: 'Endpoint#' }, ...errorResponses },
      },
    },
    async (request) => presentEndpoint(await loadEndpoint(deps, request, request.params.id), deps.clock()),
  );

  app.patch<{ Params: { id: string }; Body: EndpointInput }>(
    '/v1/endpoints/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Update an endpoint (only the fields given change)',
        params: idParams,
        body: endpointPatchBody,
        response: { 200: { $ref: 'Endpoint#' }, ...errorResponses },
      },
    },
    async (request) => {
      const existing = await loadEndpoint(deps, request, request.params.id);
      const body = request.body;
      const patch: EndpointPatch = {};
      if (body.tenant !== undefined) patch.tenant = writeTenant(callerOf(request), body.tenant);
      if (body.signing !== undefined && body.signing.scheme !== existing.signing.scheme) {
        throw new ApiError(
          'validation_failed',
          'The signing scheme family cannot change (its secrets would not fit): create a new endpoint.',
          { details: [{ path: '/body/signing/scheme', message: `must stay "${existing.signing.scheme}"` }] },
        );
      }
      const signing = body.signing ?? existing.signing;
      validate(body, signing, deps);
      await assertSourcesExist(deps.store, callerOf(request), body.sources, existing.sources ?? []);
      if (body.headers === undefined && body.signing !== undefined)
        checkCustomHeaders(existing.headers, signing);
      for (const field of FIELDS) {
        if (body[field] !== undefined) Object.assign(patch, { [field]: body[field] });
      }
      if (body.disabled !== undefined) patch.disabledReason = body.disabled ? 'disabled by API' : null;
      if (body.disabled === false) patch.failingSince = null;
      const updated = await deps.store.updateEndpoint(existing.id, patch);
      deps.router.invalidate();
      return presentEndpoint(updated, deps.clock());
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/endpoints/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Delete an endpoint; its pending deliveries are cancelled',
        params: idParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const existing = await loadEndpoint(deps, request, request.params.id);
      await deps.store.deleteEndpoint(existing.id);
      deps.router.invalidate();
      return reply.code(204).send();
    },
  );
}

const FIELDS = [
  'url',
  'description',
  'disabled',
  'eventTypes',
  'channels',
  'sources',
  'payloadFilter',
  'headers',
  'timeoutMs',
  'retrySchedule',
  'rateLimitPerSecond',
  'maxConcurrency',
  'signing',
  'metadata',
] as const satisfies readonly (keyof EndpointInput)[];

function validate(body: EndpointInput, signing: SigningScheme, deps: AppDeps): void {
  if (body.url !== undefined) body.url = checkDestinationUrl(body.url, deps.ssrfPolicy);
  // Only a given scheme: an unrelated PATCH must not fail on what was saved before this check existed.
  if (body.signing !== undefined) {
    assertSigningHeaders(body.signing);
    assertSignedContent(body.signing);
  }
  if (body.headers !== undefined) body.headers = checkCustomHeaders(body.headers, signing);
  assertEventTypePatterns(body.eventTypes);
  assertPayloadFilter(body.payloadFilter);
}

/** The endpoint if it exists and the caller's tenant may see it; `not_found` otherwise. */
export async function loadEndpoint(
  deps: AppDeps,
  request: { apiKey: ApiKey | null },
  id: string,
): Promise<Endpoint> {
  return visibleOr404(callerOf(request), await deps.store.getEndpoint(id), 'endpoint');
}
