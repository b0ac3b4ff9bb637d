import type { SqliteContext } from './context.ts';

// Both read the partial indexes the claim uses, so they cost two index probes whatever the table size.
const NEXT_WAITING = "SELECT min(next_attempt_at) AS t FROM deliveries WHERE status IN ('pending', 'failed')";
const NEXT_LEASE = "SELECT min(lease_expires_at) AS t FROM deliveries WHERE status = 'in_flight'";

/** The earliest due time or lease expiry (expired leases are claimable too); null when nothing waits. */
export function nextDueAt(ctx: SqliteContext): number | null {
  const waiting = ctx.stmt(NEXT_WAITING).get()?.t;
  const lease = ctx.stmt(NEXT_LEASE).get()?.t;
  const times = [waiting, lease].filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.min(...times) : null;
}

const DUE_WAITING = `SELECT count(*) AS n, min(next_attempt_at) AS t FROM deliveries
  WHERE status IN ('pending', 'failed') AND next_attempt_at <= ?`;
const DUE_LEASE = `SELECT count(*) AS n, min(lease_expires_at) AS t FROM deliveries
  WHERE status = 'in_flight' AND lease_expires_at <= ?`;

/** Deliveries claimable at `now` (waiting and due, or with an expired lease) and the oldest due time. */
export function queueDepth(ctx: SqliteContext, now: number): { due: number; oldestDueAt: number | null } {
  const waiting = ctx.stmt(DUE_WAITING).get(now);
  const lease = ctx.stmt(DUE_LEASE).get(now);
  const times = [waiting?.t, lease?.t].filter((t): t is number => typeof t === 'number');
  return {
    due: Number(waiting?.n ?? 0) + Number(lease?.n ?? 0),
    oldestDueAt: times.length > 0 ? Math.min(...times) : null,
  };
}
