import type { ListenerAttemptInput, ListenerAttemptRecord, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Attempt, Listener } from '../types.ts';
import { insertAttempts } from './complete-attempts.ts';
import type { PostgresContext } from './context.ts';
import { Conditions, listPage } from './paginate.ts';
import { DELIVERY_COLUMNS, type DeliveryRow, toDelivery } from './rows.ts';

interface ListenerRow {
  id: string;
  tenant: string | null;
  name: string;
  forward_url: string;
  created_at: number;
  last_seen_at: number;
}

const UPSERT_LISTENER = `INSERT INTO listeners (id, tenant, name, forward_url, created_at, last_seen_at)
  VALUES ($1, $2, $3, $4, $5, $5)
  ON CONFLICT ((coalesce(tenant, '')), name) DO UPDATE SET forward_url = excluded.forward_url,
    last_seen_at = excluded.last_seen_at
  RETURNING *`;

// A listener's delivery is never due (next_attempt_at and due_at stay null) and always final, so the claim
// never sees it; every report is one more attempt, and max_attempts follows the count so the row reads as
// "all attempts used" like any finished delivery. The FROM messages makes an unknown message insert nothing.
const UPSERT_DELIVERY = `INSERT INTO deliveries AS d (id, message_id, endpoint_id, tenant, status, attempt_count,
    max_attempts, next_attempt_at, due_at, lease_token, last_status_code, last_error, created_at, updated_at,
    completed_at)
  SELECT $1, id, $2, tenant, $3, 1, 1, NULL, NULL, 0, $4, $5, $6, $6, $6 FROM messages WHERE id = $7
  ON CONFLICT (message_id, endpoint_id) DO UPDATE SET status = excluded.status,
    attempt_count = d.attempt_count + 1, max_attempts = d.attempt_count + 1,
    last_status_code = excluded.last_status_code, last_error = excluded.last_error,
    updated_at = excluded.updated_at, completed_at = excluded.completed_at
  RETURNING ${DELIVERY_COLUMNS}`;

/** One forward of `hookline listen`: listener, final-state delivery and `cli` attempt in one transaction. */
export function recordListenerAttempt(
  ctx: PostgresContext,
  input: ListenerAttemptInput,
): Promise<ListenerAttemptRecord> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.deps.clock();
    const [exists] = await tx.query('SELECT 1 FROM messages WHERE id = $1', [input.messageId]);
    if (!exists) throw new StoreError('not_found', `message ${input.messageId} not found`);
    const { tenant, name, forwardUrl } = input.listener;
    const [listenerRow] = await tx.query<ListenerRow>(UPSERT_LISTENER, [
      ctx.deps.newId('lsn'),
      tenant,
      name,
      forwardUrl,
      now,
    ]);
    const listener = toListener(listenerRow as ListenerRow);
    const { attempt } = input;
    const [deliveryRow] = await tx.query<DeliveryRow>(UPSERT_DELIVERY, [
      ctx.deps.newId('dlv'),
      listener.id,
      attempt.errorKind === 'none' ? 'succeeded' : 'exhausted',
      attempt.responseStatus,
      attempt.errorKind === 'none' ? null : (attempt.errorMessage ?? attempt.errorKind),
      now,
      input.messageId,
    ]);
    const delivery = toDelivery(deliveryRow as DeliveryRow);
    const [written] = await insertAttempts(ctx, tx, [
      {
        ...attempt,
        deliveryId: delivery.id,
        messageId: input.messageId,
        endpointId: listener.id,
        attemptNumber: delivery.attemptCount,
        trigger: 'cli',
      },
    ]);
    return { listener, delivery, attempt: written as Attempt };
  });
}

export function listListeners(ctx: PostgresContext, query: ResourceQuery): Promise<Page<Listener>> {
  const c = new Conditions();
  if (query.tenant !== undefined && query.tenant !== null) c.add('tenant = ?', query.tenant);
  return listPage(ctx.db, {
    select: '*',
    from: 'listeners',
    key: 'id',
    order: 'desc',
    conditions: c,
    query,
    map: toListener,
  });
}

function toListener(row: ListenerRow): Listener {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    forwardUrl: row.forward_url,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}
