import type { DeliveryQuery, Page } from '../store.ts';
import type { Delivery } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { DELIVERY_COLUMNS, type DeliveryRow, toDelivery } from './rows.ts';

// Newest first by id (ids sort by creation time), so the first page of an unfiltered list walks the
// primary key backwards and stops after `limit + 1` rows however large the table is; each filter has an
// index led by its column and followed by id.

export async function getDelivery(ctx: PostgresContext, id: string): Promise<Delivery | null> {
  const [row] = await ctx.db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`, [
    id,
  ]);
  return row ? toDelivery(row) : null;
}

export function listDeliveries(ctx: PostgresContext, query: DeliveryQuery): Promise<Page<Delivery>> {
  const statuses = query.status === undefined ? undefined : ([] as string[]).concat(query.status);
  const c = new Conditions()
    .addIf(query.tenant, 'tenant = ?')
    .addIf(query.messageId, 'message_id = ?')
    .addIf(query.endpointId, 'endpoint_id = ?')
    .addIf(statuses, 'status = ANY(?::text[])')
    .addIf(query.since, 'created_at >= ?')
    .addIf(query.until, 'created_at < ?');
  return listPage(ctx.db, {
    select: DELIVERY_COLUMNS,
    from: 'deliveries',
    key: 'id',
    order: 'desc',
    conditions: c,
    query,
    map: toDelivery,
  });
}
