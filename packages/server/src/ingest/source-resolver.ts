import type { Store } from '../store/store.ts';
import type { Source } from '../store/types.ts';
import { looksLikeSourceToken } from './source-token.ts';

/** Finds the source of an ingest URL, by token or alias, through a short-lived cache. */
export interface SourceResolver {
  byToken(token: string): Promise<Source | null>;
  byAlias(alias: string): Promise<Source | null>;
  /** Forget everything (after a source write in this process, so it takes effect at once). */
  invalidate(): void;
}

const MAX_ENTRIES = 10_000;

/**
 * Ingest at thousands of requests per second must not cost a store query each, so lookups (misses
 * included, so random tokens cannot hammer the store) are kept for `ttlMs`. A change made by another
 * process takes effect within that time; the sources API in this process calls `invalidate()`.
 */
export function createSourceResolver(
  store: Pick<Store, 'getSourceByToken' | 'getSourceByAlias'>,
  options: { clock: () => number; ttlMs: number },
): SourceResolver {
  const cache = new Map<string, { source: Source | null; until: number }>();

  async function cached(key: string, load: () => Promise<Source | null>): Promise<Source | null> {
    const now = options.clock();
    const hit = cache.get(key);
    if (hit !== undefined && hit.until > now) return hit.source;
    const source = await load();
    // Bounded by clearing: refilling costs one query per live key, far cheaper than tracking recency.
    if (cache.size >= MAX_ENTRIES) cache.clear();
    if (options.ttlMs > 0) cache.set(key, { source, until: now + options.ttlMs });
    return source;
  }

  return {
    byToken: (token) =>
      looksLikeSourceToken(token)
        ? cached(`t:${token}`, () => store.getSourceByToken(token))
        : Promise.resolve(null),
    byAlias: (alias) => cached(`a:${alias}`, () => store.getSourceByAlias(alias)),
    invalidate: () => cache.clear(),
  };
}
