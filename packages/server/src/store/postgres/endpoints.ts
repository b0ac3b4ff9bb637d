import type { EndpointPatch, NewEndpoint, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Endpoint } from '../types.ts';
import type { PostgresContext } from './context.ts';
import type { Queryable } from './open-database.ts';
import { Conditions, listPage } from './paginate.ts';
import { type EndpointRow, json, toEndpoint } from './rows.ts';

const COLUMNS =
  'id, tenant, url, description, disabled, disabled_reason, event_types, channels, sources, payload_filter, headers, timeout_ms, retry_schedule, rate_limit_per_second, max_concurrency, signing, secrets, failing_since, metadata, created_at, updated_at';
const PLACEHOLDERS = COLUMNS.split(', ')
  .map((_, i) => `$${i + 1}`)
  .join(', ');
// Routers cache the active endpoints; every endpoint write bumps this in its own transaction.
const BUMP_VERSION = "UPDATE counters SET value = value + 1 WHERE name = 'endpoints_version'";

function values(e: Endpoint): unknown[] {
  return [
    e.id,
    e.tenant,
    e.url,
    e.description,
    e.disabled,
    e.disabledReason,
    json(e.eventTypes),
    json(e.channels),
    json(e.sources),
    json(e.payloadFilter),
    json(e.headers),
    e.timeoutMs,
    json(e.retrySchedule),
    e.rateLimitPerSecond,
    e.maxConcurrency,
    json(e.signing),
    json(e.secrets),
    e.failingSince,
    json(e.metadata),
    e.createdAt,
    e.updatedAt,
  ];
}

async function write(tx: Queryable, e: Endpoint, insert: boolean): Promise<void> {
  if (insert) {
    await tx.query(`INSERT INTO endpoints (${COLUMNS}) VALUES (${PLACEHOLDERS})`, values(e));
  } else {
    const sets = COLUMNS.split(', ')
      .slice(1)
      .map((c, i) => `${c} = $${i + 2}`)
      .join(', ');
    await tx.query(`UPDATE endpoints SET ${sets} WHERE id = $1`, values(e));
  }
  await tx.query(BUMP_VERSION);
}

export async function createEndpoint(ctx: PostgresContext, input: NewEndpoint): Promise<Endpoint> {
  const now = ctx.deps.clock();
  const endpoint: Endpoint = {
    ...input,
    id: input.id ?? ctx.deps.newId('ep'),
    disabledReason: input.disabledReason ?? null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.db.transaction((tx) => write(tx, endpoint, true));
  return endpoint;
}

export async function getEndpoint(ctx: PostgresContext, id: string): Promise<Endpoint | null> {
  const [row] = await ctx.db.query<EndpointRow>(`SELECT ${COLUMNS} FROM endpoints WHERE id = $1`, [id]);
  return row ? toEndpoint(row) : null;
}

/** Newest first; a `tenant` limits the list to that tenant's endpoints. */
export function listEndpoints(ctx: PostgresContext, query: ResourceQuery): Promise<Page<Endpoint>> {
  const c = new Conditions();
  if (query.tenant !== undefined && query.tenant !== null) c.add('tenant = ?', query.tenant);
  return listPage(ctx.db, {
    select: COLUMNS,
    from: 'endpoints',
    key: 'id',
    order: 'desc',
    conditions: c,
    query,
    map: toEndpoint,
  });
}

export async function listActiveEndpoints(ctx: PostgresContext): Promise<Endpoint[]> {
  const rows = await ctx.db.query<EndpointRow>(
    `SELECT ${COLUMNS} FROM endpoints WHERE NOT disabled ORDER BY id`,
  );
  return rows.map(toEndpoint);
}

export async function endpointsVersion(ctx: PostgresContext): Promise<number> {
  const [row] = await ctx.db.query<{ value: number }>(
    "SELECT value FROM counters WHERE name = 'endpoints_version'",
  );
  return row?.value ?? 0;
}

/** Applies `patch` under a row lock, so concurrent patches of one endpoint never lose each other's fields. */
export async function updateEndpoint(
  ctx: PostgresContext,
  id: string,
  patch: EndpointPatch,
): Promise<Endpoint> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<EndpointRow>(`SELECT ${COLUMNS} FROM endpoints WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    if (!row) throw new StoreError('not_found', `endpoint ${id} not found`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const endpoint: Endpoint = { ...toEndpoint(row), ...defined, id, updatedAt: ctx.deps.clock() };
    await write(tx, endpoint, false);
    return endpoint;
  });
}

/** Deletes the endpoint and cancels its unfinished deliveries (kept for history) in one commit. */
export async function deleteEndpoint(ctx: PostgresContext, id: string): Promise<void> {
  const now = ctx.deps.clock();
  await ctx.db.transaction(async (tx) => {
    const deleted = await tx.query('DELETE FROM endpoints WHERE id = $1 RETURNING id', [id]);
    if (deleted.length === 0) throw new StoreError('not_found', `endpoint ${id} not found`);
    await tx.query(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, due_at = NULL, lease_expires_at = NULL,
         completed_at = $2, updated_at = $2
       WHERE endpoint_id = $1 AND status IN ('pending', 'failed', 'in_flight')`,
      [id, now],
    );
    await tx.query(BUMP_VERSION);
  });
}
