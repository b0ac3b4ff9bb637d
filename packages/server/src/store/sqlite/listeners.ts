import type { SQLInputValue } from 'node:sqlite';
import type { ListenerAttemptInput, ListenerAttemptRecord, Page, ResourceQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Listener } from '../types.ts';
import { writeAttempt } from './complete-attempts.ts';
import type { SqliteContext } from './context.ts';
import { listPage } from './paginate.ts';
import { type Row, toDelivery } from './rows.ts';

const UPSERT_LISTENER = `INSERT INTO listeners (id, tenant, name, forward_url, created_at, last_seen_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?5)
  ON CONFLICT (coalesce(tenant, ''), name) DO UPDATE SET forward_url = excluded.forward_url,
    last_seen_at = excluded.last_seen_at
  RETURNING *`;

// A listener's delivery is never due (next_attempt_at stays NULL) and always final, so the claim query and
// the dispatcher never see it; every report is one more attempt, and max_attempts follows the count so the
// row reads as "all attempts used" like any finished delivery.
const UPSERT_DELIVERY = `INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count,
    max_attempts, next_attempt_at, lease_token, last_status_code, last_error, created_at, updated_at, completed_at)
  SELECT ?1, id, ?2, tenant, ?3, 1, 1, NULL, 0, ?4, ?5, ?6, ?6, ?6 FROM messages WHERE id = ?7
  ON CONFLICT (message_id, endpoint_id) DO UPDATE SET status = excluded.status,
    attempt_count = attempt_count + 1, max_attempts = attempt_count + 1,
    last_status_code = excluded.last_status_code, last_error = excluded.last_error,
    updated_at = excluded.updated_at, completed_at = excluded.completed_at
  RETURNING *`;

/** One forward of `hookline listen`: listener, final-state delivery and `cli` attempt in one write job. */
export function recordListenerAttempt(
  ctx: SqliteContext,
  input: ListenerAttemptInput,
): Promise<ListenerAttemptRecord> {
  return ctx.queue.enqueue(3, () => {
    const now = ctx.deps.clock();
    // Checked first so an unknown message writes nothing (the job's savepoint would undo it anyway).
    if (!ctx.stmt('SELECT 1 FROM messages WHERE id = ?').get(input.messageId)) {
      throw new StoreError('not_found', `message ${input.messageId} not found`);
    }
    const { tenant, name, forwardUrl } = input.listener;
    const listener = toListener(
      ctx.stmt(UPSERT_LISTENER).get(ctx.deps.newId('lsn'), tenant, name, forwardUrl, now) as Row,
    );
    const { attempt } = input;
    const delivery = toDelivery(
      ctx
        .stmt(UPSERT_DELIVERY)
        .get(
          ctx.deps.newId('dlv'),
          listener.id,
          attempt.errorKind === 'none' ? 'succeeded' : 'exhausted',
          attempt.responseStatus,
          attempt.errorKind === 'none' ? null : (attempt.errorMessage ?? attempt.errorKind),
          now,
          input.messageId,
        ) as Row,
    );
    const written = writeAttempt(
      ctx,
      {
        ...attempt,
        deliveryId: delivery.id,
        messageId: input.messageId,
        endpointId: listener.id,
        attemptNumber: delivery.attemptCount,
        trigger: 'cli',
      },
      now,
    );
    return { listener, delivery, attempt: written };
  });
}

export function listListeners(ctx: SqliteContext, query: ResourceQuery): Page<Listener> {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.tenant !== undefined && query.tenant !== null) {
    where.push('tenant = ?');
    params.push(query.tenant);
  }
  return listPage(ctx, {
    from: 'listeners',
    key: 'id',
    order: 'desc',
    where,
    params,
    query,
    map: toListener,
  });
}

function toListener(row: Row): Listener {
  return {
    id: String(row.id),
    tenant: row.tenant === null ? null : String(row.tenant),
    name: String(row.name),
    forwardUrl: String(row.forward_url),
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
  };
}
