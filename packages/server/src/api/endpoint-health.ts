import type { FastifyInstance } from 'fastify';
import type { AttemptFailure } from '../store/store.ts';
import type { AppDeps } from './api-deps.ts';
import { loadEndpoint } from './endpoints.ts';
import {
  attemptFailureSchema,
  HEALTH_WINDOWS,
  type HealthWindow,
  successRate,
  windowQuery,
} from './health-window.ts';
import { iso } from './present.ts';
import { errorResponses, idParams, nullableIsoTime } from './schemas/common.ts';

/** `AttemptFailure` → its API shape (ISO time). */
export function presentFailure(failure: AttemptFailure | null) {
  return failure === null
    ? null
    : { at: iso(failure.at), status: failure.status, errorKind: failure.errorKind, message: failure.message };
}

const healthSchema = {
  type: 'object',
  required: [
    'endpointId',
    'window',
    'attempts',
    'succeeded',
    'failed',
    'successRate',
    'lastAttemptAt',
    'lastSuccessAt',
    'lastError',
    'failingSince',
    'disabled',
    'disabledReason',
    'pending',
  ],
  properties: {
    endpointId: { type: 'string' },
    window: { type: 'string', enum: Object.keys(HEALTH_WINDOWS) },
    attempts: { type: 'integer', description: 'Attempts in the window (scheduled and manual).' },
    succeeded: { type: 'integer' },
    failed: { type: 'integer' },
    successRate: { type: ['number', 'null'], description: '0..1; null when nothing was attempted.' },
    lastAttemptAt: { ...nullableIsoTime, description: 'Over all stored attempts, not only the window.' },
    lastSuccessAt: nullableIsoTime,
    lastError: attemptFailureSchema,
    failingSince: nullableIsoTime,
    disabled: { type: 'boolean' },
    disabledReason: { type: ['string', 'null'] },
    pending: {
      type: 'integer',
      description: 'Deliveries not finished: pending, in flight or awaiting a retry.',
    },
  },
} as const;

/**
 * `GET /v1/endpoints/{id}/health`: one endpoint's recent success rate, last error and backlog. The
 * dashboard calls it once per visible row, so it is a handful of index seeks (store.endpointHealth).
 */
export function endpointHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { id: string }; Querystring: { window?: HealthWindow } }>(
    '/v1/endpoints/:id/health',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['Endpoints'],
        summary: "An endpoint's health over the last hour or day: success rate, last error, backlog",
        params: idParams,
        querystring: windowQuery('24h'),
        response: { 200: healthSchema, ...errorResponses },
      },
    },
    async (request) => {
      const endpoint = await loadEndpoint(deps, request, request.params.id);
      const window = request.query.window ?? '24h';
      const health = await deps.store.endpointHealth({
        endpointId: endpoint.id,
        since: deps.clock() - HEALTH_WINDOWS[window].ms,
      });
      return {
        endpointId: endpoint.id,
        window,
        attempts: health.attempts,
        succeeded: health.succeeded,
        failed: health.failed,
        successRate: successRate(health.succeeded, health.failed),
        lastAttemptAt: health.lastAttemptAt === null ? null : iso(health.lastAttemptAt),
        lastSuccessAt: health.lastSuccessAt === null ? null : iso(health.lastSuccessAt),
        lastError: presentFailure(health.lastError),
        failingSince: endpoint.failingSince === null ? null : iso(endpoint.failingSince),
        disabled: endpoint.disabled,
        disabledReason: endpoint.disabledReason,
        pending: health.pending,
      };
    },
  );
}
