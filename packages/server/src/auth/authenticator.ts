import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ApiKey } from '../store/types.ts';
import { hashApiKey } from './api-key-token.ts';

export interface AuthenticatorOptions {
  store: Store;
  clock: () => number;
  /**
   * How long a looked-up key is trusted without asking the store again. Publishing at thousands of
   * requests per second must not cost a query each; a revocation made by another process takes
   * effect within this time (this process forgets revoked keys at once).
   */
  cacheMs?: number;
  /** `lastUsedAt` is written at most this often per key, not on every request. */
  touchEveryMs?: number;
}

export interface Authenticator {
  /** Resolves the `Authorization` header to a live key, or throws `ApiError('unauthorized')`. */
  authenticate(authorization: string | undefined): Promise<ApiKey>;
  /** Drops a key from the cache (after a revoke in this process). */
  forget(keyId: string): void;
}

const BEARER = /^Bearer\s+(hk_[A-Za-z0-9_-]{1,512})\s*$/i;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const cacheMs = options.cacheMs ?? 5000;
  const touchEveryMs = options.touchEveryMs ?? 60_000;
  const cache = new Map<string, { key: ApiKey; until: number }>();
  const touched = new Map<string, number>();

  async function lookup(hash: string): Promise<ApiKey | null> {
    const now = options.clock();
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.key;
    const key = await options.store.getApiKeyByHash(hash);
    if (key === null || key.revokedAt !== null) {
      cache.delete(hash);
      return null;
    }
    // Bounded: evict everything rather than track recency; rebuilding costs one query per key.
    if (cache.size >= 10_000) cache.clear();
    cache.set(hash, { key, until: now + cacheMs });
    return key;
  }

  return {
    async authenticate(authorization) {
      const match = authorization === undefined ? null : BEARER.exec(authorization);
      if (!match?.[1]) throw new ApiError('unauthorized');
      const key = await lookup(hashApiKey(match[1]));
      if (key === null) throw new ApiError('unauthorized', 'The API key is unknown or revoked.');
      const now = options.clock();
      if ((touched.get(key.id) ?? Number.NEGATIVE_INFINITY) + touchEveryMs <= now) {
        touched.set(key.id, now);
        await options.store.touchApiKey(key.id, now);
      }
      return key;
    },
    forget(keyId) {
      for (const [hash, entry] of cache) if (entry.key.id === keyId) cache.delete(hash);
      touched.delete(keyId);
    },
  };
}
