import type { SQLInputValue } from 'node:sqlite';
import type { EndpointPatch, NewEndpoint, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Endpoint } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toEndpoint, toJson } from './rows.ts';

const COLUMNS = [
  'id',
  'tenant',
  'url',
  'description',
  'disabled',
  'disabled_reason',
  'event_types',
  'channels',
  'sources',
  'payload_filter',
  'headers',
  'timeout_ms',
  'retry_schedule',
  'rate_limit_per_second',
  'max_concurrency',
  'signing',
  'secrets',
  'failing_since',
  'metadata',
  'created_at',
  'updated_at',
];
const UPSERT = `INSERT OR REPLACE INTO endpoints (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const BUMP_VERSION = "UPDATE counters SET value = value + 1 WHERE name = 'endpoints_version'";

function values(e: Endpoint): SQLInputValue[] {
  return [
    e.id,
    e.tenant,
    e.url,
    e.description,
    e.disabled ? 1 : 0,
    e.disabledReason,
    toJson(e.eventTypes),
    toJson(e.channels),
    toJson(e.sources),
    toJson(e.payloadFilter),
    JSON.stringify(e.headers),
    e.timeoutMs,
    toJson(e.retrySchedule),
    e.rateLimitPerSecond,
    e.maxConcurrency,
    JSON.stringify(e.signing),
    JSON.stringify(e.secrets),
    e.failingSince,
    JSON.stringify(e.metadata),
    e.createdAt,
    e.updatedAt,
  ];
}

function read(ctx: SqliteContext, id: string): Endpoint | null {
  const row = ctx.stmt('SELECT * FROM endpoints WHERE id = ?').get(id);
  return row ? toEndpoint(row as Row) : null;
}

export function createEndpoint(ctx: SqliteContext, input: NewEndpoint): Promise<Endpoint> {
  return ctx.queue.enqueue(1, () => {
    const now = ctx.deps.clock();
    const endpoint: Endpoint = {
      ...input,
      id: input.id ?? ctx.deps.newId('ep'),
      disabledReason: input.disabledReason ?? null,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    };
    ctx.stmt(UPSERT).run(...values(endpoint));
    ctx.stmt(BUMP_VERSION).run();
    return endpoint;
  });
}

export function getEndpoint(ctx: SqliteContext, id: string): Endpoint | null {
  return read(ctx, id);
}

export function listEndpoints(ctx: SqliteContext, query: ResourceQuery): Page<Endpoint> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.tenant !== undefined && query.tenant !== null) {
    where.push('tenant = ?');
    params.push(query.tenant);
  }
  return listPage(ctx, {
    from: 'endpoints',
    key: 'id',
    order: 'desc',
    where,
    params,
    query,
    map: toEndpoint,
  });
}

export function listActiveEndpoints(ctx: SqliteContext): Endpoint[] {
  return (ctx.stmt('SELECT * FROM endpoints WHERE disabled = 0 ORDER BY id').all() as Row[]).map(toEndpoint);
}

export function endpointsVersion(ctx: SqliteContext): number {
  return Number(ctx.stmt("SELECT value FROM counters WHERE name = 'endpoints_version'").get()?.value ?? 0);
}

/** Read-modify-write inside one job: the group commit serialises writers, so no update is lost. */
export function updateEndpoint(ctx: SqliteContext, id: string, patch: EndpointPatch): Promise<Endpoint> {
  return ctx.queue.enqueue(1, () => {
    const current = read(ctx, id);
    if (!current) throw new StoreError('not_found', `endpoint ${id} not found`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const next: Endpoint = {
      ...current,
      ...defined,
      id,
      createdAt: current.createdAt,
      updatedAt: ctx.deps.clock(),
    };
    ctx.stmt(UPSERT).run(...values(next));
    ctx.stmt(BUMP_VERSION).run();
    return next;
  });
}

/** Deletes the endpoint and cancels its unfinished deliveries (an in-flight result is then refused). */
export function deleteEndpoint(ctx: SqliteContext, id: string): Promise<void> {
  return ctx.queue.enqueue(1, () => {
    const deleted = ctx.stmt('DELETE FROM endpoints WHERE id = ?').run(id).changes;
    if (deleted === 0) throw new StoreError('not_found', `endpoint ${id} not found`);
    const now = ctx.deps.clock();
    ctx
      .stmt(
        `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_expires_at = NULL,
           completed_at = ?1, updated_at = ?1
         WHERE endpoint_id = ?2 AND status IN ('pending', 'failed', 'in_flight')`,
      )
      .run(now, id);
    ctx.stmt(BUMP_VERSION).run();
  });
}
