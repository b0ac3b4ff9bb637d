import type { PruneResult, RetentionPolicy, Store } from '../store/store.ts';

/**
 * Runs bounded prune batches until nothing is left or `maxBatches` ran, yielding to the event loop
 * between batches so retention never holds the write path for long.
 */
export async function runRetention(
  store: Store,
  policy: Omit<RetentionPolicy, 'now'>,
  clock: () => number,
  maxBatches = 100,
): Promise<PruneResult> {
  const total: PruneResult = { payloadsCleared: 0, attemptsDeleted: 0, deliveriesDeleted: 0 };
  for (let i = 0; i < maxBatches; i++) {
    const result = await store.prune({ ...policy, now: clock() });
    total.payloadsCleared += result.payloadsCleared;
    total.attemptsDeleted += result.attemptsDeleted;
    total.deliveriesDeleted += result.deliveriesDeleted;
    if (result.payloadsCleared + result.attemptsDeleted + result.deliveriesDeleted === 0) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
