import type { PostgresContext } from './context.ts';

// Both read the claim's own partial index on due_at, which holds only unfinished deliveries.

/** Earliest time something becomes claimable (a retry or a lease expiry); null when nothing waits. */
export async function nextDueAt(ctx: PostgresContext): Promise<number | null> {
  const [row] = await ctx.db.query<{ at: number | null }>(
    `SELECT d.due_at AS at FROM deliveries d
     WHERE d.due_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = d.endpoint_id AND e.disabled)
     ORDER BY d.due_at LIMIT 1`,
    [],
    'hookline_next_due',
  );
  return row?.at ?? null;
}

/** Deliveries due now or overdue, and when the oldest of them fell due. */
export async function queueDepth(
  ctx: PostgresContext,
  now: number,
): Promise<{ due: number; oldestDueAt: number | null }> {
  const [row] = await ctx.db.query<{ due: number; oldest: number | null }>(
    `SELECT count(*)::int AS due, min(due_at) AS oldest FROM deliveries WHERE due_at <= $1`,
    [now],
  );
  return { due: row?.due ?? 0, oldestDueAt: row?.oldest ?? null };
}
