import type { NewEventType, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { EventType } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { type EventTypeRow, json, toEventType } from './rows.ts';

/** Creates or replaces by name; `createdAt` survives a replace. */
export async function upsertEventType(ctx: PostgresContext, input: NewEventType): Promise<EventType> {
  const now = ctx.deps.clock();
  const [row] = await ctx.db.query<EventTypeRow>(
    `INSERT INTO event_types (name, description, schema, enforce_schema, examples, archived, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, schema = EXCLUDED.schema,
       enforce_schema = EXCLUDED.enforce_schema, examples = EXCLUDED.examples, archived = EXCLUDED.archived,
       updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [
      input.name,
      input.description,
      json(input.schema),
      input.enforceSchema,
      json(input.examples),
      input.archived,
      now,
    ],
  );
  return toEventType(row as EventTypeRow);
}

export async function getEventType(ctx: PostgresContext, name: string): Promise<EventType | null> {
  const [row] = await ctx.db.query<EventTypeRow>('SELECT * FROM event_types WHERE name = $1', [name]);
  return row ? toEventType(row) : null;
}

/** By name, ascending (event types have no tenant). */
export function listEventTypes(ctx: PostgresContext, query: ResourceQuery): Promise<Page<EventType>> {
  return listPage(ctx.db, {
    select: '*',
    from: 'event_types',
    key: 'name',
    order: 'asc',
    conditions: new Conditions(),
    query,
    map: toEventType,
  });
}

export async function deleteEventType(ctx: PostgresContext, name: string): Promise<void> {
  const deleted = await ctx.db.query('DELETE FROM event_types WHERE name = $1 RETURNING name', [name]);
  if (deleted.length === 0) throw new StoreError('not_found', `event type ${name} not found`);
}
