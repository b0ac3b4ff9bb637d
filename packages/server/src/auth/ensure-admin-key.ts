import type { Store } from '../store/store.ts';
import { isStoreError } from '../store/store-error.ts';
import { describeApiKey, mintApiKey } from './api-key-token.ts';

export type EnsureAdminKeyResult =
  /** A key was minted now: print it once, it cannot be shown again. */
  | { kind: 'created'; key: string; id: string }
  /** The operator's HOOKLINE_ADMIN_API_KEY was registered (or already was). */
  | { kind: 'configured'; id: string }
  /** Keys already exist; nothing to do. */
  | { kind: 'existing' };

/**
 * First start: makes sure an admin key exists. A key given by the operator is registered (idempotent,
 * by hash) whether or not others exist, so automated deployments can always reach the API with it;
 * otherwise a key is minted only when the store has no key at all, by one process only.
 */
export async function ensureAdminKey(
  store: Store,
  options: { givenKey: string | null; random?: (size: number) => Uint8Array },
): Promise<EnsureAdminKeyResult> {
  if (options.givenKey !== null) {
    const described = describeApiKey(options.givenKey);
    const existing = await store.getApiKeyByHash(described.hash);
    if (existing !== null) return { kind: 'configured', id: existing.id };
    try {
      const created = await store.createApiKey({
        name: 'admin (HOOKLINE_ADMIN_API_KEY)',
        hash: described.hash,
        prefix: described.prefix,
        scopes: ['admin'],
        tenant: null,
      });
      return { kind: 'configured', id: created.id };
    } catch (error) {
      // Processes starting together on PostgreSQL (multi-process.e2e.test.ts) race to register the same
      // key: the loser of the unique-hash race uses the winner's row instead of failing its start.
      const winner = isStoreError(error, 'conflict') ? await store.getApiKeyByHash(described.hash) : null;
      if (winner === null) throw error;
      return { kind: 'configured', id: winner.id };
    }
  }
  if ((await store.countApiKeys()) > 0) return { kind: 'existing' };
  // Processes starting together on one PostgreSQL database would each count no key and each mint one
  // (two keys, printed by two processes). One process mints, under a lock; one that finds the lock taken
  // leaves the key to its holder, which prints it.
  const job = await store.withExclusiveJob('mint-admin-key', async () => {
    if ((await store.countApiKeys()) > 0) return null;
    const minted = mintApiKey(options.random);
    const created = await store.createApiKey({
      name: 'admin (first start)',
      hash: minted.hash,
      prefix: minted.prefix,
      scopes: ['admin'],
      tenant: null,
    });
    return { key: minted.key, id: created.id };
  });
  if (!job.ran || job.value === null) return { kind: 'existing' };
  return { kind: 'created', ...job.value };
}
