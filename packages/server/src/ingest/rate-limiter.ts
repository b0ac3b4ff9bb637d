import type { BucketConfig } from './ingest-config.ts';

/** `{ ok: true }`, or how many seconds until one more request would be allowed. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one token from `key`'s bucket. */
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets in memory, one per key (a source id, a client address). Buckets are refilled lazily
 * on use, so idle keys cost nothing; beyond `maxKeys` the oldest-created bucket is dropped (a dropped
 * key starts again full, which errs on the side of letting requests in).
 */
export function createRateLimiter(
  config: BucketConfig,
  options: { clock: () => number; maxKeys: number },
): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const rate = config.ratePerSecond;
  const burst = Math.max(1, config.burst);
  if (rate <= 0) return { take: () => ({ ok: true }) };
  return {
    take(key) {
      const now = options.clock();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= options.maxKeys) {
          const oldest = buckets.keys().next();
          if (oldest.done !== true) buckets.delete(oldest.value);
        }
        bucket = { tokens: burst, at: now };
        buckets.set(key, bucket);
      } else if (now > bucket.at) {
        bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * rate) / 1000);
        bucket.at = now;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
    },
  };
}
