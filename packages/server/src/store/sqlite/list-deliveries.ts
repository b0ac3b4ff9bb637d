import type { SQLInputValue } from 'node:sqlite';
import type { DeliveryQuery, Page } from '../store.ts';
import type { Delivery } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toDelivery } from './rows.ts';
import { timeRange } from './time-range.ts';

export function getDelivery(ctx: SqliteContext, id: string): Delivery | null {
  const row = ctx.stmt('SELECT * FROM deliveries WHERE id = ?').get(id);
  return row ? toDelivery(row as Row) : null;
}

export function listDeliveries(ctx: SqliteContext, query: DeliveryQuery): Page<Delivery> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.tenant !== undefined) {
    where.push('tenant = ?');
    params.push(query.tenant);
  }
  if (query.messageId !== undefined) {
    where.push('message_id = ?');
    params.push(query.messageId);
  }
  if (query.endpointId !== undefined) {
    where.push('endpoint_id = ?');
    params.push(query.endpointId);
  }
  if (query.status !== undefined) {
    const statuses = Array.isArray(query.status) ? query.status : [query.status];
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  timeRange(where, params, 'created_at', query.since, query.until);
  return listPage(ctx, {
    from: 'deliveries',
    key: 'id',
    order: 'desc',
    where,
    params,
    query,
    map: toDelivery,
  });
}
