import type { ClaimedDelivery, ClaimRequest } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { PostgresContext } from './context.ts';
import { DELIVERY_COLUMNS, type DeliveryRow, toDelivery } from './rows.ts';

// One statement claims a batch: the partial index on due_at yields due rows oldest first (pending/failed
// rows by next attempt, in-flight rows by lease expiry), SKIP LOCKED passes over rows another worker is
// claiming right now, and the UPDATE bumps the fencing token and counts the attempt. An expired lease
// counted its attempt when it was claimed: with attempts left it is simply claimed again (and counted
// again), with none left it becomes exhausted, so a message that kills its worker cannot loop forever.
// Deliveries of disabled endpoints stay put (recoverable once the endpoint is enabled).
// `spent` is computed from the locked row version (d.*), never from a second read of the table, so it
// always describes the row being updated.
// The UPDATE finds its rows by primary key (`d.id = ANY(ARRAY(SELECT id FROM due))`): joined to `due`
// alone, the planner often hash-joined a seq scan of the whole deliveries table (workers.bench.ts: a seq
// scan for most claims, ~40-100 rows read per delivery at 15k rows, growing with the table).
const SPENT = "(d.status = 'in_flight' AND d.attempt_count >= d.max_attempts)";
const CLAIM = `
WITH due AS (
  SELECT d.id, d.due_at FROM deliveries d
  WHERE d.due_at <= $1
    AND d.endpoint_id <> ALL($4::text[])
    AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = d.endpoint_id AND e.disabled)
  ORDER BY d.due_at, d.id
  LIMIT $2
  FOR UPDATE OF d SKIP LOCKED
), claimed AS (
  UPDATE deliveries d SET
    status = CASE WHEN ${SPENT} THEN 'exhausted' ELSE 'in_flight' END,
    attempt_count = CASE WHEN ${SPENT} THEN d.attempt_count ELSE d.attempt_count + 1 END,
    lease_token = CASE WHEN ${SPENT} THEN d.lease_token ELSE d.lease_token + 1 END,
    lease_expires_at = CASE WHEN ${SPENT} THEN NULL ELSE $1 + $5 END,
    due_at = CASE WHEN ${SPENT} THEN NULL ELSE $1 + $5 END,
    next_attempt_at = CASE WHEN ${SPENT} THEN NULL WHEN d.status = 'in_flight' THEN d.lease_expires_at
      ELSE d.next_attempt_at END,
    completed_at = CASE WHEN ${SPENT} THEN $1 ELSE NULL END,
    last_error = CASE WHEN d.status = 'in_flight' THEN 'lease expired' ELSE d.last_error END,
    worker_id = CASE WHEN ${SPENT} THEN NULL ELSE $3 END,
    updated_at = $1
  FROM due
  WHERE d.id = ANY(ARRAY(SELECT id FROM due)) AND d.id = due.id
  RETURNING ${DELIVERY_COLUMNS.split(', ')
    .map((c) => `d.${c}`)
    .join(', ')}, due.due_at AS claim_order
)
SELECT * FROM claimed WHERE status = 'in_flight' ORDER BY claim_order, id`;

/**
 * Claims up to `limit` due deliveries for `workerId`. Safe with any number of processes claiming at once:
 * a row is locked by the claiming statement and skipped by the others, and every claim bumps the token.
 */
export async function claimDeliveries(
  ctx: PostgresContext,
  request: ClaimRequest,
): Promise<ClaimedDelivery[]> {
  if (!Number.isInteger(request.limit) || request.limit < 1) {
    throw new StoreError('invalid_argument', `limit must be a positive integer, got ${request.limit}`);
  }
  if (!(request.leaseMs > 0)) {
    throw new StoreError('invalid_argument', `leaseMs must be positive, got ${request.leaseMs}`);
  }
  const now = ctx.deps.clock();
  const rows = await ctx.db.query<DeliveryRow>(
    CLAIM,
    [now, request.limit, request.workerId, request.excludeEndpoints ?? [], Math.ceil(request.leaseMs)],
    'hookline_claim',
  );
  return rows.map((row) => {
    const delivery = toDelivery(row);
    return { delivery, leaseToken: delivery.leaseToken };
  });
}
