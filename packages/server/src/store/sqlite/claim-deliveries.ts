import type { ClaimedDelivery, ClaimRequest } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { SqliteContext } from './context.ts';
import { type Row, toDelivery } from './rows.ts';

// An expired lease counted its attempt when it was claimed: with attempts left it waits again (due at
// once), with none left it is exhausted, so a message that kills its worker cannot loop forever.
const RECLAIM_EXPIRED = `UPDATE deliveries SET
    status = CASE WHEN attempt_count >= max_attempts THEN 'exhausted' ELSE 'pending' END,
    next_attempt_at = CASE WHEN attempt_count >= max_attempts THEN NULL ELSE lease_expires_at END,
    completed_at = CASE WHEN attempt_count >= max_attempts THEN ?1 ELSE NULL END,
    lease_expires_at = NULL, worker_id = NULL, last_error = 'lease expired', updated_at = ?1
  WHERE id IN (SELECT id FROM deliveries WHERE status = 'in_flight' AND lease_expires_at <= ?1
               ORDER BY lease_expires_at LIMIT ?2)`;

function claimSql(exclude: boolean): string {
  return `UPDATE deliveries SET status = 'in_flight', attempt_count = attempt_count + 1,
      lease_token = lease_token + 1, lease_expires_at = ?2, worker_id = ?3, updated_at = ?1
    WHERE id IN (
      SELECT id FROM deliveries
      WHERE status IN ('pending', 'failed') AND next_attempt_at <= ?1
        AND endpoint_id NOT IN (SELECT id FROM endpoints WHERE disabled = 1)
        ${exclude ? 'AND endpoint_id NOT IN (SELECT value FROM json_each(?5))' : ''}
      ORDER BY next_attempt_at LIMIT ?4)
    RETURNING *`;
}

/**
 * Claims due deliveries in one write job. SQLite has one writer, and this process is its only claimer, so
 * no row can be handed out twice; the fencing token still guards against a worker whose lease expired.
 */
export function claimDeliveries(ctx: SqliteContext, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  if (!Number.isInteger(request.limit) || request.limit < 1) {
    return Promise.reject(
      new StoreError('invalid_argument', `limit must be a positive integer, got ${request.limit}`),
    );
  }
  if (!(request.leaseMs > 0)) {
    return Promise.reject(
      new StoreError('invalid_argument', `leaseMs must be positive, got ${request.leaseMs}`),
    );
  }
  const exclude =
    request.excludeEndpoints && request.excludeEndpoints.length > 0 ? request.excludeEndpoints : null;
  return ctx.queue.enqueue(request.limit, () => {
    const now = ctx.deps.clock();
    ctx.stmt(RECLAIM_EXPIRED).run(now, 1000);
    const params = [now, now + request.leaseMs, request.workerId, request.limit];
    const rows = (
      exclude
        ? ctx.stmt(claimSql(true)).all(...params, JSON.stringify(exclude))
        : ctx.stmt(claimSql(false)).all(...params)
    ) as Row[];
    return rows
      .map((row) => {
        const delivery = toDelivery(row);
        return { delivery, leaseToken: delivery.leaseToken };
      })
      .sort(
        (a, b) =>
          (a.delivery.nextAttemptAt ?? 0) - (b.delivery.nextAttemptAt ?? 0) ||
          (a.delivery.id < b.delivery.id ? -1 : 1),
      );
  });
}
