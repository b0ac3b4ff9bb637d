import type { PruneResult, RetentionPolicy } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { SqliteContext } from './context.ts';

// Each statement touches at most `batchSize` rows, and each is its own write job, so a large backlog of
// retention work interleaves with the write path instead of holding the write lock for seconds.
// Nothing here reads or changes a delivery that is pending, failed (retry scheduled) or in flight: bodies
// and attempts of messages still being delivered are kept whatever their age.

const UNFINISHED = "('pending', 'failed', 'in_flight')";

const CLEAR_PAYLOADS = `UPDATE messages SET body = NULL WHERE id IN (
    SELECT m.id FROM messages m WHERE m.body IS NOT NULL AND m.created_at < ?
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status IN ${UNFINISHED})
    LIMIT ?)`;

const DELETE_ATTEMPTS = `DELETE FROM attempts WHERE id IN (
    SELECT a.id FROM attempts a WHERE a.created_at < ?
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id AND d.status IN ${UNFINISHED})
    LIMIT ?)`;

const DELETE_DELIVERIES = `DELETE FROM deliveries WHERE id IN (
    SELECT id FROM deliveries WHERE status IN ('succeeded', 'exhausted', 'cancelled') AND updated_at < ? LIMIT ?)`;

/** One bounded batch of each kind of retention work; call again until every count is zero. */
export async function prune(ctx: SqliteContext, policy: RetentionPolicy): Promise<PruneResult> {
  if (!Number.isInteger(policy.batchSize) || policy.batchSize < 1) {
    throw new StoreError('invalid_argument', `batchSize must be a positive integer, got ${policy.batchSize}`);
  }
  const { now, batchSize } = policy;
  const step = (sql: string, cutoff: number) =>
    ctx.queue.enqueue(batchSize, () => Number(ctx.stmt(sql).run(cutoff, batchSize).changes));
  const payloadsCleared = await step(CLEAR_PAYLOADS, now - policy.payloadRetentionMs);
  const attemptsDeleted = await step(DELETE_ATTEMPTS, now - policy.attemptRetentionMs);
  const deliveriesDeleted = await step(DELETE_DELIVERIES, now - policy.deliveryRetentionMs);
  return { payloadsCleared, attemptsDeleted, deliveriesDeleted };
}
