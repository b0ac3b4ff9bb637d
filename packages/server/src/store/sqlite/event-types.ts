import type { NewEventType, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { EventType } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toEventType, toJson } from './rows.ts';

// The upsert keeps the first created_at, so re-declaring a type at start-up does not reorder the catalog.
const UPSERT = `INSERT INTO event_types (name, description, schema, enforce_schema, examples, archived, created_at, updated_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
  ON CONFLICT (name) DO UPDATE SET description = ?2, schema = ?3, enforce_schema = ?4, examples = ?5,
    archived = ?6, updated_at = ?7
  RETURNING *`;

export function upsertEventType(ctx: SqliteContext, input: NewEventType): Promise<EventType> {
  return ctx.queue.enqueue(1, () => {
    const row = ctx
      .stmt(UPSERT)
      .get(
        input.name,
        input.description,
        toJson(input.schema),
        input.enforceSchema ? 1 : 0,
        JSON.stringify(input.examples),
        input.archived ? 1 : 0,
        ctx.deps.clock(),
      );
    return toEventType(row as Row);
  });
}

export function getEventType(ctx: SqliteContext, name: string): EventType | null {
  const row = ctx.stmt('SELECT * FROM event_types WHERE name = ?').get(name);
  return row ? toEventType(row as Row) : null;
}

/** By name, ascending: the catalog reads like a dictionary. Event types have no tenant. */
export function listEventTypes(ctx: SqliteContext, query: ResourceQuery): Page<EventType> {
  return listPage(ctx, {
    from: 'event_types',
    key: 'name',
    order: 'asc',
    where: [],
    params: [],
    query,
    map: toEventType,
  });
}

export function deleteEventType(ctx: SqliteContext, name: string): Promise<void> {
  return ctx.queue.enqueue(1, () => {
    if (ctx.stmt('DELETE FROM event_types WHERE name = ?').run(name).changes === 0) {
      throw new StoreError('not_found', `event type ${name} not found`);
    }
  });
}
