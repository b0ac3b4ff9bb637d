import type { FastifyInstance } from 'fastify';
import { LIMITS } from '../config.ts';
import { ApiError } from '../errors.ts';
import type { AppDeps } from './api-deps.ts';
import { issueSecret, rotateSecrets } from './endpoint-secrets.ts';
import { loadEndpoint } from './endpoints.ts';
import { optionalBodySchema, takeNoBodyAsEmpty } from './optional-body.ts';
import { parseInstant } from './parse-instant.ts';
import { iso, presentEndpoint } from './present.ts';
import { countResponse, errorResponses, idParams, isoTime } from './schemas/common.ts';

/** Endpoint operations beyond CRUD: enable/disable, secret rotation, recovery of failed deliveries. */
export function endpointActionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const tags = ['Endpoints'];

  for (const action of ['enable', 'disable'] as const) {
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/v1/endpoints/:id/${action}`,
      {
        config: { scope: 'admin' },
        preValidation: takeNoBodyAsEmpty,
        schema: {
          tags,
          summary:
            action === 'enable'
              ? 'Enable an endpoint (clears its failure clock); recover its deliveries separately'
              : 'Disable an endpoint: nothing is sent to it, its deliveries wait',
          params: idParams,
          ...(action === 'disable'
            ? {
                ...optionalBodySchema,
                body: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { reason: { type: 'string', maxLength: 500 } },
                },
              }
            : {}),
          response: { 200: { $ref: 'Endpoint#' }, ...errorResponses },
        },
      },
      async (request) => {
        const endpoint = await loadEndpoint(deps, request, request.params.id);
        const updated = await deps.store.updateEndpoint(
          endpoint.id,
          action === 'enable'
            ? { disabled: false, disabledReason: null, failingSince: null }
            : { disabled: true, disabledReason: request.body?.reason ?? 'disabled by API' },
        );
        deps.router.invalidate();
        return presentEndpoint(updated, deps.clock());
      },
    );
  }

  app.post<{ Params: { id: string }; Body: { secret?: string; graceMs?: number } | undefined }>(
    '/v1/endpoints/:id/secret/rotate',
    {
      config: { scope: 'admin' },
      preValidation: takeNoBodyAsEmpty,
      schema: {
        ...optionalBodySchema,
        tags,
        summary: 'Rotate the signing secret; the old one keeps signing for the grace period',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            secret: {
              type: 'string',
              minLength: 1,
              maxLength: 512,
              description: 'New secret; generated when omitted.',
            },
            graceMs: {
              type: 'integer',
              minimum: 0,
              maximum: LIMITS.maxSecretRotationGraceMs,
              description:
                'How long the previous secret keeps signing (default: secretRotationGraceMs, 24 h).',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['secret', 'previousSecretExpiresAt'],
            properties: {
              secret: { type: 'string' },
              publicKey: { type: 'string', description: 'For v1a: the new whpk_ public key.' },
              previousSecretExpiresAt: {
                ...isoTime,
                description: 'Until when the previous secret also signs.',
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const endpoint = await loadEndpoint(deps, request, request.params.id);
      const issued = await issueSecret(endpoint.signing, request.body?.secret, deps.random);
      if (endpoint.secrets.some((entry) => entry.secret === issued.secret)) {
        throw new ApiError(
          'invalid_secret',
          'The new secret must differ from the current and previous ones.',
        );
      }
      const now = deps.clock();
      const graceMs = request.body?.graceMs ?? deps.config.secretRotationGraceMs;
      await deps.store.updateEndpoint(endpoint.id, {
        secrets: rotateSecrets(endpoint.secrets, issued.secret, now, graceMs),
      });
      deps.router.invalidate();
      return { ...issued, previousSecretExpiresAt: iso(now + graceMs) };
    },
  );

  app.post<{ Params: { id: string }; Body: { since: string; until?: string } }>(
    '/v1/endpoints/:id/recover',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Retry every failed or exhausted delivery of this endpoint created in [since, until)',
        params: idParams,
        body: {
          type: 'object',
          required: ['since'],
          additionalProperties: false,
          properties: { since: isoTime, until: { ...isoTime, description: 'Default: now.' } },
        },
        response: { 202: countResponse('recovered', 'Deliveries put back to pending.'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const endpoint = await loadEndpoint(deps, request, request.params.id);
      const since = parseInstant(request.body.since, '/body/since');
      // `until` is exclusive: the default includes deliveries created in the current millisecond.
      const until =
        request.body.until === undefined ? deps.clock() + 1 : parseInstant(request.body.until, '/body/until');
      if (until <= since) {
        throw new ApiError('validation_failed', '`until` must be after `since`.', {
          details: [{ path: '/body/until', message: 'must be after since' }],
        });
      }
      const recovered = await deps.store.recoverDeliveries({ endpointId: endpoint.id, since, until });
      return reply.code(202).send({ recovered });
    },
  );
}
