import type { EndpointSecret } from '../types.ts';
import type { SqliteContext } from './context.ts';

const SQL = {
  endpoint: 'UPDATE endpoints SET secrets = ? WHERE id = ? AND json(secrets) = json(?)',
  source: 'UPDATE sources SET secrets = ? WHERE id = ? AND json(secrets) = json(?)',
} as const;

/**
 * Compare-and-set of one row's secrets (re-encryption beside live API writes). `json()` on both sides,
 * so a row written with other whitespace still matches; updated_at and the endpoints version stay, since
 * the secrets' plaintext does not change.
 */
export function replaceSecrets(
  ctx: SqliteContext,
  resource: 'endpoint' | 'source',
  id: string,
  expected: EndpointSecret[],
  next: EndpointSecret[],
): Promise<boolean> {
  return ctx.queue.enqueue(1, () => {
    const result = ctx.stmt(SQL[resource]).run(JSON.stringify(next), id, JSON.stringify(expected));
    return result.changes === 1;
  });
}

/** The same compare-and-set on an endpoint's custom headers. */
export function replaceEndpointHeaders(
  ctx: SqliteContext,
  id: string,
  expected: Record<string, string>,
  next: Record<string, string>,
): Promise<boolean> {
  return ctx.queue.enqueue(1, () => {
    const result = ctx
      .stmt('UPDATE endpoints SET headers = ? WHERE id = ? AND json(headers) = json(?)')
      .run(JSON.stringify(next), id, JSON.stringify(expected));
    return result.changes === 1;
  });
}
