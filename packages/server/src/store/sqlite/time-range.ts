import type { SQLInputValue } from 'node:sqlite';

/** Adds `column >= since` and `column < until` when given. */
export function timeRange(
  where: string[],
  params: SQLInputValue[],
  column: string,
  since?: number,
  until?: number,
): void {
  if (since !== undefined) {
    where.push(`${column} >= ?`);
    params.push(since);
  }
  if (until !== undefined) {
    where.push(`${column} < ?`);
    params.push(until);
  }
}
