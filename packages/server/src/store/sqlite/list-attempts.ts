import type { SQLInputValue } from 'node:sqlite';
import type { AttemptQuery, Page } from '../store.ts';
import type { Attempt } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { toAttempt } from './rows.ts';
import { timeRange } from './time-range.ts';

export function listAttempts(ctx: SqliteContext, query: AttemptQuery): Page<Attempt> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.deliveryId !== undefined) {
    where.push('delivery_id = ?');
    params.push(query.deliveryId);
  }
  if (query.messageId !== undefined) {
    where.push('message_id = ?');
    params.push(query.messageId);
  }
  if (query.endpointId !== undefined) {
    where.push('endpoint_id = ?');
    params.push(query.endpointId);
  }
  timeRange(where, params, 'created_at', query.since, query.until);
  return listPage(ctx, { from: 'attempts', key: 'id', order: 'desc', where, params, query, map: toAttempt });
}
