import type { FastifyInstance } from 'fastify';
import { canSee } from '../auth/access.ts';
import type { SourceFailures } from '../ingest/source-failures.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { presentFailure } from './endpoint-health.ts';
import {
  attemptFailureSchema,
  HEALTH_WINDOWS,
  type HealthWindow,
  successRate,
  windowQuery,
} from './health-window.ts';
import { iso } from './present.ts';
import { errorResponses, isoTime, nullableIsoTime } from './schemas/common.ts';
import { reasonCounts } from './source-failures.ts';

/** The most failing endpoints and sources the overview lists; the rest is one click away in their lists. */
const MAX_LISTED = 50;

const counts = {
  messages: { type: 'integer', description: 'Messages stored (published or received).' },
  succeeded: { type: 'integer', description: 'Attempts that succeeded.' },
  failed: { type: 'integer', description: 'Attempts that failed.' },
  p95DurationMs: { type: ['integer', 'null'], description: 'p95 duration of successful attempts.' },
} as const;

const overviewSchema = {
  type: 'object',
  required: [
    'window',
    'since',
    'until',
    'bucketMs',
    'buckets',
    'totals',
    'failingEndpoints',
    'failingSources',
  ],
  properties: {
    window: { type: 'string', enum: Object.keys(HEALTH_WINDOWS) },
    since: isoTime,
    until: isoTime,
    bucketMs: { type: 'integer', description: '60000 for 1h (60 buckets), 1800000 for 24h (48 buckets).' },
    buckets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start', 'messages', 'succeeded', 'failed', 'p95DurationMs'],
        properties: { start: isoTime, ...counts },
      },
    },
    totals: {
      type: 'object',
      required: ['messages', 'succeeded', 'failed', 'successRate', 'p95DurationMs'],
      properties: {
        ...counts,
        successRate: { type: ['number', 'null'], description: '0..1; null when nothing was attempted.' },
      },
    },
    failingEndpoints: {
      type: 'array',
      description: 'Enabled endpoints failing now (failingSince set) and disabled ones with a reason.',
      items: {
        type: 'object',
        required: [
          'id',
          'url',
          'description',
          'tenant',
          'disabled',
          'failingSince',
          'disabledReason',
          'lastError',
        ],
        properties: {
          id: { type: 'string' },
          url: { type: 'string' },
          description: { type: 'string' },
          tenant: { type: ['string', 'null'] },
          disabled: { type: 'boolean' },
          failingSince: nullableIsoTime,
          disabledReason: { type: ['string', 'null'] },
          lastError: attemptFailureSchema,
        },
      },
    },
    failingSources: {
      type: 'array',
      description: 'Sources that refused requests in the window (this process, in memory), most first.',
      items: {
        type: 'object',
        required: ['id', 'name', 'failures', 'reasons'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          failures: { type: 'integer' },
          reasons: reasonCounts,
        },
      },
    },
  },
} as const;

/**
 * `GET /v1/stats/overview`: the dashboard's first page. Charts come from store.countDeliveries (one
 * bucketed query, one whole-window query for the totals' p95); the window ends at the next bucket
 * boundary so buckets stay put between refreshes (the last one is in progress). A tenant key sees its
 * tenant's figures, endpoints and sources only.
 */
export function statsRoutes(app: FastifyInstance, deps: AppDeps, failures: SourceFailures): void {
  app.get<{ Querystring: { window?: HealthWindow } }>(
    '/v1/stats/overview',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['Stats'],
        summary:
          'Messages, attempts, success rate and p95 latency over the last hour or day; what is failing',
        querystring: windowQuery('1h'),
        response: { 200: overviewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const tenant = caller.tenant ?? undefined;
      const window = request.query.window ?? '1h';
      const { ms, bucketMs } = HEALTH_WINDOWS[window];
      const until = Math.floor(deps.clock() / bucketMs) * bucketMs + bucketMs;
      const since = until - ms;
      const scope = tenant === undefined ? {} : { tenant };
      const [buckets, [whole], failing] = await Promise.all([
        deps.store.countDeliveries({ since, until, bucketMs, ...scope }),
        deps.store.countDeliveries({ since, until, bucketMs: ms, ...scope }),
        deps.store.listFailingEndpoints({ ...scope, limit: MAX_LISTED }),
      ]);
      const totals = { messages: 0, succeeded: 0, failed: 0 };
      for (const bucket of buckets) {
        totals.messages += bucket.messages;
        totals.succeeded += bucket.succeeded;
        totals.failed += bucket.failed;
      }
      const failingEndpoints = await Promise.all(
        failing.map(async (endpoint) => ({
          id: endpoint.id,
          url: endpoint.url,
          description: endpoint.description,
          tenant: endpoint.tenant,
          disabled: endpoint.disabled,
          failingSince: endpoint.failingSince === null ? null : iso(endpoint.failingSince),
          disabledReason: endpoint.disabledReason,
          lastError: presentFailure(await deps.store.lastFailedAttempt(endpoint.id)),
        })),
      );
      const failingSources = [];
      for (const entry of failures.failingSources(since)) {
        if (failingSources.length >= MAX_LISTED) break;
        const source = await deps.store.getSource(entry.sourceId);
        if (source === null || !canSee(caller, source.tenant)) continue;
        failingSources.push({
          id: source.id,
          name: source.name,
          failures: entry.total,
          reasons: entry.reasons,
        });
      }
      return {
        window,
        since: iso(since),
        until: iso(until),
        bucketMs,
        buckets: buckets.map((b) => ({ ...b, start: iso(b.start) })),
        totals: {
          ...totals,
          successRate: successRate(totals.succeeded, totals.failed),
          p95DurationMs: whole?.p95DurationMs ?? null,
        },
        failingEndpoints,
        failingSources,
      };
    },
  );
}
