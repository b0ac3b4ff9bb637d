import type { SQLInputValue } from 'node:sqlite';
import type { NewSource, Page, ResourceQuery, SourcePatch } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Source } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toJson, toSource } from './rows.ts';

const COLUMNS = [
  'id',
  'name',
  'token',
  'tenant',
  'verification',
  'secrets',
  'tolerance_seconds',
  'max_body_bytes',
  'content_types',
  'require_json',
  'decompress',
  'handshake',
  'response',
  'event_type_rule',
  'dedup_rule',
  'alias',
  'disabled',
  'created_at',
  'updated_at',
];
const INSERT = `INSERT INTO sources (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const UPDATE = `UPDATE sources SET ${COLUMNS.slice(1)
  .map((c) => `${c} = ?`)
  .join(', ')} WHERE id = ?`;

function values(s: Source): SQLInputValue[] {
  return [
    s.id,
    s.name,
    s.token,
    s.tenant,
    JSON.stringify(s.verification),
    JSON.stringify(s.secrets),
    s.toleranceSeconds,
    s.maxBodyBytes,
    toJson(s.contentTypes),
    s.requireJson ? 1 : 0,
    s.decompress ? 1 : 0,
    toJson(s.handshake),
    JSON.stringify(s.response),
    JSON.stringify(s.eventTypeRule),
    JSON.stringify(s.dedupRule),
    s.alias,
    s.disabled ? 1 : 0,
    s.createdAt,
    s.updatedAt,
  ];
}

function readBy(ctx: SqliteContext, column: 'id' | 'token' | 'alias' | 'name', value: string): Source | null {
  const row = ctx.stmt(`SELECT * FROM sources WHERE ${column} = ?`).get(value);
  return row ? toSource(row as Row) : null;
}

/** A clash on name, token or alias is `conflict` (the UNIQUE constraints decide). */
export function createSource(ctx: SqliteContext, input: NewSource): Promise<Source> {
  return ctx.queue.enqueue(1, () => {
    const now = ctx.deps.clock();
    const source: Source = {
      ...input,
      id: input.id ?? ctx.deps.newId('src'),
      createdAt: now,
      updatedAt: now,
    };
    ctx.stmt(INSERT).run(...values(source));
    return source;
  });
}

export function getSource(ctx: SqliteContext, id: string): Source | null {
  return readBy(ctx, 'id', id);
}
export function getSourceByToken(ctx: SqliteContext, token: string): Source | null {
  return readBy(ctx, 'token', token);
}
export function getSourceByAlias(ctx: SqliteContext, alias: string): Source | null {
  return readBy(ctx, 'alias', alias);
}
export function getSourceByName(ctx: SqliteContext, name: string): Source | null {
  return readBy(ctx, 'name', name);
}

export function listSources(ctx: SqliteContext, query: ResourceQuery): Page<Source> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.tenant !== undefined && query.tenant !== null) {
    where.push('tenant = ?');
    params.push(query.tenant);
  }
  return listPage(ctx, { from: 'sources', key: 'id', order: 'desc', where, params, query, map: toSource });
}

export function updateSource(ctx: SqliteContext, id: string, patch: SourcePatch): Promise<Source> {
  return ctx.queue.enqueue(1, () => {
    const current = readBy(ctx, 'id', id);
    if (!current) throw new StoreError('not_found', `source ${id} not found`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const next: Source = {
      ...current,
      ...defined,
      id,
      createdAt: current.createdAt,
      updatedAt: ctx.deps.clock(),
    };
    ctx.stmt(UPDATE).run(...values(next).slice(1), id);
    return next;
  });
}

export function deleteSource(ctx: SqliteContext, id: string): Promise<void> {
  return ctx.queue.enqueue(1, () => {
    if (ctx.stmt('DELETE FROM sources WHERE id = ?').run(id).changes === 0) {
      throw new StoreError('not_found', `source ${id} not found`);
    }
  });
}
