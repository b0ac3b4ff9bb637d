import type { FastifyInstance } from 'fastify';
import { visibleOr404 } from '../auth/access.ts';
import { SOURCE_FAILURES_RETENTION_MS, type SourceFailures } from '../ingest/source-failures.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { iso } from './present.ts';
import { errorResponses, idParams, isoTime } from './schemas/common.ts';

/** `{"<error code>": count}`. */
export const reasonCounts = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'Refusals per error code (`invalid_signature`, `timestamp_out_of_window`, `rate_limited`…).',
} as const;

const failuresSchema = {
  type: 'object',
  required: ['sourceId', 'since', 'total', 'reasons', 'recent'],
  properties: {
    sourceId: { type: 'string' },
    since: isoTime,
    total: { type: 'integer' },
    reasons: reasonCounts,
    recent: {
      type: 'array',
      maxItems: 20,
      description: 'The latest refusals, newest first.',
      items: {
        type: 'object',
        required: ['at', 'code', 'status', 'clientIp'],
        properties: {
          at: isoTime,
          code: { type: 'string' },
          status: { type: 'integer' },
          clientIp: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * `GET /v1/sources/{id}/failures`: the inbound requests this source refused in the last 24 h, by reason.
 * Refusals are not stored (a flood of bad signatures must not write to disk): the figures are this
 * process's, since it started (ingest/source-failures.ts).
 */
export function sourceFailureRoutes(app: FastifyInstance, deps: AppDeps, failures: SourceFailures): void {
  app.get<{ Params: { id: string } }>(
    '/v1/sources/:id/failures',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['Sources'],
        summary: "A source's refused requests in the last 24 h by reason (this process's, in memory)",
        params: idParams,
        response: { 200: failuresSchema, ...errorResponses },
      },
    },
    async (request) => {
      const source = visibleOr404(callerOf(request), await deps.store.getSource(request.params.id), 'source');
      const since = deps.clock() - SOURCE_FAILURES_RETENTION_MS;
      const summary = failures.summary(source.id, since);
      return {
        sourceId: source.id,
        since: iso(since),
        total: summary.total,
        reasons: summary.reasons,
        recent: summary.recent.map((r) => ({
          at: iso(r.at),
          code: r.code,
          status: r.status,
          clientIp: r.clientIp,
        })),
      };
    },
  );
}
