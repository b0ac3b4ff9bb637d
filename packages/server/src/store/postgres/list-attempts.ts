import type { AttemptQuery, Page } from '../store.ts';
import type { Attempt } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { toAttempt } from './rows.ts';

// Newest first by id (ids sort by creation time), so the first page of an unfiltered list walks the
// primary key backwards and stops after `limit + 1` rows however large the table is; each filter has an
// index led by its column and followed by id.

export function listAttempts(ctx: PostgresContext, query: AttemptQuery): Promise<Page<Attempt>> {
  const c = new Conditions()
    .addIf(query.deliveryId, 'delivery_id = ?')
    .addIf(query.messageId, 'message_id = ?')
    .addIf(query.endpointId, 'endpoint_id = ?')
    .addIf(query.since, 'created_at >= ?')
    .addIf(query.until, 'created_at < ?');
  return listPage(ctx.db, {
    select: '*',
    from: 'attempts',
    key: 'id',
    order: 'desc',
    conditions: c,
    query,
    map: toAttempt,
  });
}
