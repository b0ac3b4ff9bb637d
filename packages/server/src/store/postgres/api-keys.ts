import type { NewApiKey, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { ApiKey } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { type ApiKeyRow, json, toApiKey } from './rows.ts';

export async function createApiKey(ctx: PostgresContext, input: NewApiKey): Promise<ApiKey> {
  const key: ApiKey = {
    ...input,
    id: ctx.deps.newId('key'),
    createdAt: ctx.deps.clock(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await ctx.db.query(
    `INSERT INTO api_keys (id, name, hash, prefix, scopes, tenant, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [key.id, key.name, key.hash, key.prefix, json(key.scopes), key.tenant, key.createdAt],
  );
  return key;
}

export async function getApiKeyByHash(ctx: PostgresContext, hash: string): Promise<ApiKey | null> {
  const [row] = await ctx.db.query<ApiKeyRow>(
    'SELECT * FROM api_keys WHERE hash = $1',
    [hash],
    'hookline_key_by_hash',
  );
  return row ? toApiKey(row) : null;
}

export function listApiKeys(ctx: PostgresContext, query: ResourceQuery): Promise<Page<ApiKey>> {
  const c = new Conditions();
  if (query.tenant !== undefined && query.tenant !== null) c.add('tenant = ?', query.tenant);
  return listPage(ctx.db, {
    select: '*',
    from: 'api_keys',
    key: 'id',
    order: 'desc',
    conditions: c,
    query,
    map: toApiKey,
  });
}

/** Revoking twice keeps the first revocation time. */
export async function revokeApiKey(ctx: PostgresContext, id: string): Promise<ApiKey> {
  const [row] = await ctx.db.query<ApiKeyRow>(
    'UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING *',
    [id, ctx.deps.clock()],
  );
  if (!row) throw new StoreError('not_found', `api key ${id} not found`);
  return toApiKey(row);
}

/** Moves `lastUsedAt` forward only, so concurrent touches never move it back. */
export async function touchApiKey(ctx: PostgresContext, id: string, at: number): Promise<void> {
  await ctx.db.query(
    'UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)',
    [id, at],
  );
}

export async function countApiKeys(ctx: PostgresContext): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
  return row?.n ?? 0;
}
