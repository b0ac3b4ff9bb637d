import type { NewAttempt } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Attempt, Delivery } from '../types.ts';
import { insertAttempts } from './complete-attempts.ts';
import { type PostgresContext, WORK_CHANNEL } from './context.ts';
import { DELIVERY_COLUMNS, type DeliveryRow, toDelivery } from './rows.ts';

// The smaller queue commands, one statement each. Those that make work due notify in the same statement,
// so the wake-up is sent exactly when the change commits.

const NOTIFY_IF_ANY = (cte: string) =>
  `(SELECT pg_notify('${WORK_CHANNEL}', '') FROM ${cte} LIMIT 1) IS NULL AS quiet`;

const RELEASE = `
WITH released AS (
  UPDATE deliveries d SET
    status = CASE WHEN d.attempt_count > 1 THEN 'failed' ELSE 'pending' END,
    attempt_count = greatest(d.attempt_count - 1, 0),
    next_attempt_at = $1, due_at = $1, lease_expires_at = NULL, worker_id = NULL, updated_at = $1
  FROM unnest($2::text[], $3::bigint[]) AS c(id, lease_token)
  WHERE d.id = c.id AND d.lease_token = c.lease_token AND d.status = 'in_flight'
  RETURNING d.id
)
SELECT (SELECT count(*) FROM released)::int AS count, ${NOTIFY_IF_ANY('released')}`;

/** Gives claims back uncounted (graceful shutdown); due again at once. */
export async function releaseDeliveries(
  ctx: PostgresContext,
  claims: { deliveryId: string; leaseToken: number }[],
): Promise<number> {
  if (claims.length === 0) return 0;
  const [row] = await ctx.db.query<{ count: number }>(RELEASE, [
    ctx.deps.clock(),
    claims.map((c) => c.deliveryId),
    claims.map((c) => c.leaseToken),
  ]);
  if (row && row.count > 0) ctx.signalWork();
  return row?.count ?? 0;
}

/**
 * A manual resend's attempt: recorded, a scheduled retry left where it is. A success settles what no schedule
 * will: an exhausted delivery becomes `succeeded`, and the endpoint's failing clock stops (it answered). A
 * failure changes neither: a receiver refusing one old message an operator resent says little about the
 * endpoint, and must not start a clock that disables it.
 */
export async function recordManualAttempt(ctx: PostgresContext, attempt: NewAttempt): Promise<Attempt> {
  const ok = attempt.errorKind === 'none';
  return ctx.db.transaction(async (tx) => {
    const now = ctx.deps.clock();
    // A delivery the resend created takes it as its first attempt; any other counts one more resend.
    // Either statement locks the delivery's row, so concurrent resends get numbers one after the other.
    const settled = await tx.query<{ n: number }>(SETTLE_UNSCHEDULED, [
      ok ? 'succeeded' : 'exhausted',
      now,
      attempt.responseStatus,
      ok ? null : (attempt.errorMessage ?? attempt.errorKind),
      attempt.deliveryId,
    ]);
    const numbered =
      settled.length > 0 ? settled : await tx.query<{ n: number }>(COUNT_RESEND, [attempt.deliveryId]);
    const attemptNumber = numbered[0]?.n ?? attempt.attemptNumber;
    const [row] = await insertAttempts(ctx, tx, [{ ...attempt, trigger: 'manual', attemptNumber }]);
    if (ok) {
      await tx.query(SETTLE_EXHAUSTED, [now, attempt.responseStatus, attempt.deliveryId]);
      await tx.query(ENDPOINT_ANSWERED, [attempt.endpointId]);
    }
    return row as Attempt;
  });
}

// Only a delivery a manual resend created (pending, never due, never attempted) takes the outcome.
const SETTLE_UNSCHEDULED = `UPDATE deliveries SET status = $1, attempt_count = 1, completed_at = $2,
    last_status_code = $3, last_error = $4, updated_at = $2
  WHERE id = $5 AND status = 'pending' AND next_attempt_at IS NULL AND attempt_count = 0
  RETURNING attempt_count + manual_attempts AS n`;

// A resend's number is its place among all the delivery's attempts, scheduled and manual (Delivery.manualAttempts).
const COUNT_RESEND = `UPDATE deliveries SET manual_attempts = manual_attempts + 1 WHERE id = $1
  RETURNING attempt_count + manual_attempts AS n`;

const SETTLE_EXHAUSTED = `UPDATE deliveries SET status = 'succeeded', completed_at = $1, last_status_code = $2,
    last_error = NULL, updated_at = $1
  WHERE id = $3 AND status = 'exhausted'`;

const ENDPOINT_ANSWERED =
  'UPDATE endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL';

const ENSURE = `
WITH created AS (
  INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count, max_attempts,
    next_attempt_at, due_at, lease_token, created_at, updated_at)
  SELECT $1, id, $2, tenant, 'pending', 0, $3, $6::bigint, $6::bigint, 0, $4, $4 FROM messages WHERE id = $5
  ON CONFLICT (message_id, endpoint_id) DO NOTHING
  RETURNING ${DELIVERY_COLUMNS}
)
SELECT *, ${NOTIFY_IF_ANY('created')} FROM created`;

/** The delivery of a message to an endpoint, created pending if missing; `not_found` for an unknown message. */
export async function ensureDelivery(
  ctx: PostgresContext,
  messageId: string,
  endpointId: string,
  maxAttempts: number,
  options: { scheduled?: boolean } = {},
): Promise<Delivery> {
  const scheduled = options.scheduled ?? true;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new StoreError('invalid_argument', `maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const now = ctx.deps.clock();
  const [created] = await ctx.db.query<DeliveryRow>(ENSURE, [
    ctx.deps.newId('dlv'),
    endpointId,
    maxAttempts,
    now,
    messageId,
    scheduled ? now : null,
  ]);
  if (created) {
    if (scheduled) ctx.signalWork();
    return toDelivery(created);
  }
  const [existing] = await ctx.db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE message_id = $1 AND endpoint_id = $2`,
    [messageId, endpointId],
  );
  if (!existing) throw new StoreError('not_found', `message ${messageId} not found`);
  return toDelivery(existing);
}

const RECOVER = `
WITH recovered AS (
  UPDATE deliveries SET status = 'pending', next_attempt_at = $1, due_at = $1, completed_at = NULL,
    max_attempts = greatest(max_attempts, attempt_count + 1), updated_at = $1
  WHERE endpoint_id = $2 AND status IN ('failed', 'exhausted') AND created_at >= $3 AND created_at < $4
  RETURNING id
)
SELECT (SELECT count(*) FROM recovered)::int AS count, ${NOTIFY_IF_ANY('recovered')}`;

/** Failed and exhausted deliveries of an endpoint go back to pending, each with one more attempt allowed. */
export async function recoverDeliveries(
  ctx: PostgresContext,
  filter: { endpointId: string; since: number; until: number },
): Promise<number> {
  const [row] = await ctx.db.query<{ count: number }>(RECOVER, [
    ctx.deps.clock(),
    filter.endpointId,
    filter.since,
    filter.until,
  ]);
  if (row && row.count > 0) ctx.signalWork();
  return row?.count ?? 0;
}

/**
 * Unfinished deliveries matching every given filter become cancelled. One in flight is cancelled too: its
 * attempt's result is then refused (the fence wants `in_flight`), so no retry follows it.
 */
export async function cancelDeliveries(
  ctx: PostgresContext,
  filter: { messageId?: string; endpointId?: string; deliveryId?: string },
): Promise<number> {
  const where: string[] = ["status IN ('pending', 'failed', 'in_flight')"];
  const params: unknown[] = [ctx.deps.clock()];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  add('message_id', filter.messageId);
  add('endpoint_id', filter.endpointId);
  add('id', filter.deliveryId);
  if (params.length === 1) {
    throw new StoreError('invalid_argument', 'cancelDeliveries needs at least one filter');
  }
  const [row] = await ctx.db.query<{ count: number }>(
    `WITH cancelled AS (
       UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, due_at = NULL, lease_expires_at = NULL,
         completed_at = $1, updated_at = $1
       WHERE ${where.join(' AND ')} RETURNING 1)
     SELECT count(*)::int AS count FROM cancelled`,
    params,
  );
  return row?.count ?? 0;
}
