import type { PostgresContext } from './context.ts';
import { LOCK_NAMESPACE } from './migrate.ts';
import { toStoreError } from './postgres-error.ts';

/**
 * Runs `fn` only if no other process holds the named job lock: a session advisory lock
 * (`pg_try_advisory_lock`, never waits) on a dedicated connection outside the pool, so `fn` can use the
 * whole pool, and a process that dies mid-job releases the lock with its connection.
 */
export async function withExclusiveJob<T>(
  ctx: PostgresContext,
  name: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  ctx.db.guard.check();
  const client = ctx.db.newClient('hookline-job');
  try {
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [LOCK_NAMESPACE, `job:${name}`],
    );
    if (!rows[0]?.locked) return { ran: false };
    const value = await fn();
    return { ran: true, value };
  } catch (error) {
    throw toStoreError(error);
  } finally {
    // Closing the session releases the lock; no unlock round trip needed.
    await client.end().catch(() => {});
  }
}
