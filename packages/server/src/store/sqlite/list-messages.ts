import type { SQLInputValue } from 'node:sqlite';
import { idFloor } from '../../ids.ts';
import type { MessageQuery, Page } from '../store.ts';
import type { Message } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toMessage } from './rows.ts';
import { timeRange } from './time-range.ts';

// Newest first by id (ids sort by creation time), so the first page of an unfiltered list walks the
// primary key backwards and stops after `limit + 1` rows however large the table is.

/**
 * Ids carry their creation time (ids.ts), so a time range is also a primary-key range: the walk starts at
 * `until` and stops at `since` instead of reading every newer row first (a one-hour range ten days back in
 * 1,000,000 messages: p50 76 ms → see bench/list-messages.bench.ts). The id's time and `created_at` are read
 * from the clock separately, so the id bounds are this much wider and the `created_at` conditions decide.
 */
const ID_TIME_SLACK_MS = 5 * 60_000;

export function getMessage(ctx: SqliteContext, id: string): Message | null {
  const row = ctx.stmt('SELECT * FROM messages WHERE id = ?').get(id);
  return row ? toMessage(row as Row) : null;
}

export function getMessages(ctx: SqliteContext, ids: string[]): Message[] {
  if (ids.length === 0) return [];
  const rows = ctx
    .stmt('SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(ids)) as Row[];
  return rows.map(toMessage);
}

export function listMessages(ctx: SqliteContext, query: MessageQuery): Page<Message> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.tenant !== undefined) {
    where.push('m.tenant = ?');
    params.push(query.tenant);
  }
  if (query.eventType !== undefined) {
    where.push('m.event_type = ?');
    params.push(query.eventType);
  }
  if (query.sourceId !== undefined) {
    where.push('m.source_id = ?');
    params.push(query.sourceId);
  }
  if (query.channel !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(m.channels) WHERE value = ?)');
    params.push(query.channel);
  }
  if (query.endpointId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.endpoint_id = ?)');
    params.push(query.endpointId);
  }
  timeRange(where, params, 'm.created_at', query.since, query.until);
  if (query.since !== undefined) {
    where.push('m.id >= ?');
    params.push(idFloor('msg', query.since - ID_TIME_SLACK_MS));
  }
  if (query.until !== undefined) {
    where.push('m.id < ?');
    params.push(idFloor('msg', query.until + ID_TIME_SLACK_MS));
  }
  return listPage(ctx, {
    from: 'messages m',
    select: 'm.*',
    key: 'm.id',
    order: 'desc',
    where,
    params,
    query,
    map: toMessage,
  });
}
