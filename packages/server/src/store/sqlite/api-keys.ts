import type { SQLInputValue } from 'node:sqlite';
import type { NewApiKey, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { ApiKey } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toApiKey } from './rows.ts';

export function createApiKey(ctx: SqliteContext, input: NewApiKey): Promise<ApiKey> {
  return ctx.queue.enqueue(1, () => {
    const key: ApiKey = {
      ...input,
      id: ctx.deps.newId('key'),
      createdAt: ctx.deps.clock(),
      lastUsedAt: null,
      revokedAt: null,
    };
    ctx
      .stmt(
        `INSERT INTO api_keys (id, name, hash, prefix, scopes, tenant, created_at, last_used_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
      )
      .run(key.id, key.name, key.hash, key.prefix, JSON.stringify(key.scopes), key.tenant, key.createdAt);
    return key;
  });
}

export function getApiKeyByHash(ctx: SqliteContext, hash: string): ApiKey | null {
  const row = ctx.stmt('SELECT * FROM api_keys WHERE hash = ?').get(hash);
  return row ? toApiKey(row as Row) : null;
}

export function listApiKeys(ctx: SqliteContext, query: ResourceQuery): Page<ApiKey> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.tenant !== undefined && query.tenant !== null) {
    where.push('tenant = ?');
    params.push(query.tenant);
  }
  return listPage(ctx, { from: 'api_keys', key: 'id', order: 'desc', where, params, query, map: toApiKey });
}

/** Revoking twice keeps the first revocation time. */
export function revokeApiKey(ctx: SqliteContext, id: string): Promise<ApiKey> {
  return ctx.queue.enqueue(1, () => {
    const row = ctx
      .stmt('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *')
      .get(ctx.deps.clock(), id);
    if (!row) throw new StoreError('not_found', `api key ${id} not found`);
    return toApiKey(row as Row);
  });
}

/** Coalesced with every other write of the tick, so authenticating each request costs no extra fsync. */
export function touchApiKey(ctx: SqliteContext, id: string, at: number): Promise<void> {
  return ctx.queue.enqueue(1, () => {
    ctx.stmt('UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?').run(at, id);
  });
}

export function countApiKeys(ctx: SqliteContext): number {
  return Number(ctx.stmt('SELECT count(*) AS n FROM api_keys').get()?.n ?? 0);
}
