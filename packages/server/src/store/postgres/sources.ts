import type { NewSource, Page, ResourceQuery, SourcePatch } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Source } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { json, type SourceRow, toSource } from './rows.ts';

const COLUMNS =
  'id, name, token, tenant, verification, secrets, tolerance_seconds, max_body_bytes, content_types, require_json, decompress, handshake, response, event_type_rule, dedup_rule, alias, disabled, created_at, updated_at';

function values(s: Source): unknown[] {
  return [
    s.id,
    s.name,
    s.token,
    s.tenant,
    json(s.verification),
    json(s.secrets),
    s.toleranceSeconds,
    s.maxBodyBytes,
    json(s.contentTypes),
    s.requireJson,
    s.decompress,
    json(s.handshake),
    json(s.response),
    json(s.eventTypeRule),
    json(s.dedupRule),
    s.alias,
    s.disabled,
    s.createdAt,
    s.updatedAt,
  ];
}

/** `conflict` when the name, token or alias is taken (unique indexes decide). */
export async function createSource(ctx: PostgresContext, input: NewSource): Promise<Source> {
  const now = ctx.deps.clock();
  const source: Source = { ...input, id: input.id ?? ctx.deps.newId('src'), createdAt: now, updatedAt: now };
  const placeholders = COLUMNS.split(', ')
    .map((_, i) => `$${i + 1}`)
    .join(', ');
  await ctx.db.query(`INSERT INTO sources (${COLUMNS}) VALUES (${placeholders})`, values(source));
  return source;
}

async function getBy(ctx: PostgresContext, column: string, value: string): Promise<Source | null> {
  const [row] = await ctx.db.query<SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE ${column} = $1`, [value]);
  return row ? toSource(row) : null;
}

export const getSource = (ctx: PostgresContext, id: string) => getBy(ctx, 'id', id);
export const getSourceByToken = (ctx: PostgresContext, token: string) => getBy(ctx, 'token', token);
export const getSourceByAlias = (ctx: PostgresContext, alias: string) => getBy(ctx, 'alias', alias);
export const getSourceByName = (ctx: PostgresContext, name: string) => getBy(ctx, 'name', name);

export function listSources(ctx: PostgresContext, query: ResourceQuery): Promise<Page<Source>> {
  const c = new Conditions();
  if (query.tenant !== undefined && query.tenant !== null) c.add('tenant = ?', query.tenant);
  return listPage(ctx.db, {
    select: COLUMNS,
    from: 'sources',
    key: 'id',
    order: 'desc',
    conditions: c,
    query,
    map: toSource,
  });
}

export async function updateSource(ctx: PostgresContext, id: string, patch: SourcePatch): Promise<Source> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new StoreError('not_found', `source ${id} not found`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const source: Source = { ...toSource(row), ...defined, id, updatedAt: ctx.deps.clock() };
    const sets = COLUMNS.split(', ')
      .slice(1)
      .map((c, i) => `${c} = $${i + 2}`)
      .join(', ');
    await tx.query(`UPDATE sources SET ${sets} WHERE id = $1`, values(source));
    return source;
  });
}

export async function deleteSource(ctx: PostgresContext, id: string): Promise<void> {
  const deleted = await ctx.db.query('DELETE FROM sources WHERE id = $1 RETURNING id', [id]);
  if (deleted.length === 0) throw new StoreError('not_found', `source ${id} not found`);
}
