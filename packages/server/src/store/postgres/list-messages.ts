import type { MessageQuery, Page } from '../store.ts';
import type { Message } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { type MessageRow, toMessage } from './rows.ts';

// Newest first by id (ids sort by creation time), so the first page of an unfiltered list walks the
// primary key backwards and stops after `limit + 1` rows however large the table is; each filter has an
// index led by its column and followed by id.

export async function getMessage(ctx: PostgresContext, id: string): Promise<Message | null> {
  const [row] = await ctx.db.query<MessageRow>(
    'SELECT * FROM messages WHERE id = $1',
    [id],
    'hookline_get_message',
  );
  return row ? toMessage(row) : null;
}

/** Several messages in one query (a claimed batch's bodies); missing ids are left out. */
export async function getMessages(ctx: PostgresContext, ids: string[]): Promise<Message[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.query<MessageRow>(
    'SELECT * FROM messages WHERE id = ANY($1::text[]) ORDER BY id',
    [[...new Set(ids)]],
    'hookline_get_messages',
  );
  return rows.map(toMessage);
}

/** The endpoint filter probes deliveries(endpoint_id, message_id) per candidate message. */
export function listMessages(ctx: PostgresContext, query: MessageQuery): Promise<Page<Message>> {
  const c = new Conditions()
    .addIf(query.tenant, 'm.tenant = ?')
    .addIf(query.eventType, 'm.event_type = ?')
    .addIf(query.sourceId, 'm.source_id = ?')
    .addIf(query.channel, 'm.channels @> ARRAY[?::text]')
    .addIf(query.since, 'm.created_at >= ?')
    .addIf(query.until, 'm.created_at < ?');
  if (query.endpointId !== undefined) {
    c.add(
      'EXISTS (SELECT 1 FROM deliveries d WHERE d.endpoint_id = ? AND d.message_id = m.id)',
      query.endpointId,
    );
  }
  return listPage(ctx.db, {
    select: 'm.*',
    from: 'messages m',
    key: 'm.id',
    order: 'desc',
    conditions: c,
    query,
    map: toMessage,
  });
}
