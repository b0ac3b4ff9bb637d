import type { PruneResult, RetentionPolicy } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { PostgresContext } from './context.ts';

// Each statement touches at most `batchSize` rows and commits on its own, so a large backlog of retention
// work never holds row locks or bloats one transaction while the write path runs. Nothing here reads or
// changes a delivery that is pending, failed (retry scheduled) or in flight: bodies and attempts of
// messages still being delivered are kept whatever their age. SKIP LOCKED keeps two pruners (or a pruner
// and a claimer) from queueing behind each other.

const UNFINISHED = "('pending', 'failed', 'in_flight')";

const CLEAR_PAYLOADS = `WITH batch AS (
    SELECT m.id FROM messages m WHERE m.body IS NOT NULL AND m.created_at < $1
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status IN ${UNFINISHED})
    LIMIT $2 FOR UPDATE SKIP LOCKED
  ), done AS (UPDATE messages m SET body = NULL FROM batch WHERE m.id = batch.id RETURNING 1)
  SELECT count(*)::int AS n FROM done`;

const DELETE_ATTEMPTS = `WITH batch AS (
    SELECT a.id FROM attempts a WHERE a.created_at < $1
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id AND d.status IN ${UNFINISHED})
    LIMIT $2 FOR UPDATE SKIP LOCKED
  ), done AS (DELETE FROM attempts a USING batch WHERE a.id = batch.id RETURNING 1)
  SELECT count(*)::int AS n FROM done`;

const DELETE_DELIVERIES = `WITH batch AS (
    SELECT id FROM deliveries WHERE status IN ('succeeded', 'exhausted', 'cancelled') AND updated_at < $1
    LIMIT $2 FOR UPDATE SKIP LOCKED
  ), done AS (DELETE FROM deliveries d USING batch WHERE d.id = batch.id RETURNING 1)
  SELECT count(*)::int AS n FROM done`;

/** One bounded batch of each kind of retention work; call again until every count is zero. */
export async function prune(ctx: PostgresContext, policy: RetentionPolicy): Promise<PruneResult> {
  if (!Number.isInteger(policy.batchSize) || policy.batchSize < 1) {
    throw new StoreError('invalid_argument', `batchSize must be a positive integer, got ${policy.batchSize}`);
  }
  const { now, batchSize } = policy;
  const step = async (sql: string, cutoff: number) => {
    const [row] = await ctx.db.query<{ n: number }>(sql, [cutoff, batchSize]);
    return row?.n ?? 0;
  };
  const payloadsCleared = await step(CLEAR_PAYLOADS, now - policy.payloadRetentionMs);
  const attemptsDeleted = await step(DELETE_ATTEMPTS, now - policy.attemptRetentionMs);
  const deliveriesDeleted = await step(DELETE_DELIVERIES, now - policy.deliveryRetentionMs);
  return { payloadsCleared, attemptsDeleted, deliveriesDeleted };
}
