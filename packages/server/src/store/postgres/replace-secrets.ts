import type { EndpointSecret } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { json } from './rows.ts';

const SQL = {
  endpoint: 'UPDATE endpoints SET secrets = $1 WHERE id = $2 AND secrets = $3::jsonb RETURNING id',
  source: 'UPDATE sources SET secrets = $1 WHERE id = $2 AND secrets = $3::jsonb RETURNING id',
} as const;

/**
 * Compare-and-set of one row's secrets (re-encryption beside live API writes); jsonb equality is by
 * value. updated_at and the endpoints version stay, since the secrets' plaintext does not change.
 */
export async function replaceSecrets(
  ctx: PostgresContext,
  resource: 'endpoint' | 'source',
  id: string,
  expected: EndpointSecret[],
  next: EndpointSecret[],
): Promise<boolean> {
  const rows = await ctx.db.query(SQL[resource], [json(next), id, json(expected)]);
  return rows.length === 1;
}

/** The same compare-and-set on an endpoint's custom headers. */
export async function replaceEndpointHeaders(
  ctx: PostgresContext,
  id: string,
  expected: Record<string, string>,
  next: Record<string, string>,
): Promise<boolean> {
  const rows = await ctx.db.query(
    'UPDATE endpoints SET headers = $1 WHERE id = $2 AND headers = $3::jsonb RETURNING id',
    [json(next), id, json(expected)],
  );
  return rows.length === 1;
}
