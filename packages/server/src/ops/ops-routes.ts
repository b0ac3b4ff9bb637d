import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { HooklineMetrics } from './metrics.ts';
import { checkReadiness } from './readiness.ts';

/** What the operations routes need; every field but `store` is optional. */
export interface OpsOptions {
  store: Pick<Store, 'ping'>;
  /** Whether this process's delivery loop runs; omitted or null when the role runs none. */
  workerRunning?: (() => boolean) | null;
  /** Serves `/metrics` when set; metrics off means no route and no registry at all. */
  metrics?: HooklineMetrics | null;
  /** When set, `/metrics` requires `Authorization: Bearer <token>`. */
  metricsToken?: string | null;
}

const errorRef = { $ref: 'Error#' };

/**
 * `GET /healthz` (the process answers), `GET /readyz` (store reachable and migrated, delivery loop
 * running where this role runs one) and, when metrics are on, `GET /metrics` in the Prometheus text
 * format. None needs an API key: orchestrators and scrapers have none; `/metrics` may take its own token.
 */
export function opsRoutes(app: FastifyInstance, options: OpsOptions): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  const checks = {
    type: 'object',
    required: ['store', 'worker'],
    properties: {
      store: { type: 'string', description: '`ok` or why the store is not usable.' },
      worker: { type: 'string', description: '`ok`, `not_run` (role without a worker) or `stopped`.' },
    },
  };
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Readiness: store reachable and migrated, delivery loop running (503 with the reason)',
        security: [],
        response: {
          200: {
            type: 'object',
            required: ['status', 'checks'],
            properties: { status: { const: 'ready' }, checks },
          },
          503: errorRef,
        },
      },
    },
    async (_request, reply) => {
      const readiness = await checkReadiness({
        store: options.store,
        workerRunning: options.workerRunning ?? null,
      });
      if (readiness.ready) return { status: 'ready' as const, checks: readiness.checks };
      const failed = Object.entries(readiness.checks)
        .filter(([, value]) => value !== 'ok' && value !== 'not_run')
        .map(([name, value]) => `${name}: ${value}`);
      const error = new ApiError('unavailable', `not ready (${failed.join('; ')})`, {
        details: readiness.checks,
      });
      // Not thrown: a not-ready answer is expected while starting or stopping, not an error to log.
      return reply.code(503).send(error.toBody());
    },
  );

  const metrics = options.metrics;
  if (!metrics) return;
  const token = options.metricsToken ? Buffer.from(`Bearer ${options.metricsToken}`) : null;
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Prometheus metrics (text exposition format); may require its own bearer token',
        security: [],
        produces: ['text/plain'],
        response: { 200: { type: 'string' }, '4XX': errorRef, 503: errorRef },
      },
    },
    async (request, reply) => {
      if (token !== null) {
        const given = Buffer.from(request.headers.authorization ?? '');
        if (given.length !== token.length || !timingSafeEqual(given, token)) {
          throw new ApiError('unauthorized', 'A valid metrics token is required: Authorization: Bearer ….');
        }
      }
      let text: string;
      try {
        text = await metrics.render();
      } catch (error) {
        request.log.warn({ err: error }, 'collecting metrics failed');
        throw new ApiError('unavailable', 'Metrics could not be collected (the store did not answer).');
      }
      return reply.header('content-type', metrics.contentType).send(text);
    },
  );
}
