const KiB = 1024;
const MiB = 1024 * KiB;

/** A token bucket: `ratePerSecond` refill, `burst` capacity. `ratePerSecond: 0` turns the limit off. */
export interface BucketConfig {
  ratePerSecond: number;
  burst: number;
}

/**
 * Options of the ingest path. To be merged into src/config.ts by the lead; each one is documented here.
 */
export interface IngestConfig {
  /** Largest `maxBodyBytes` a source may set: 25 MiB, what GitHub sends at most. */
  maxBodyBytesLimit: number;
  /** A new source's body limit when none is given: 1 MiB. */
  defaultMaxBodyBytes: number;
  /** Time allowed to receive a whole body once headers are in (408 after it), in ms. */
  bodyTimeoutMs: number;
  /** Deepest JSON nesting parsed for routing; deeper bodies are stored but not parsed. */
  maxJsonDepth: number;
  /** Requests per source (all clients together). */
  perSourceRate: BucketConfig;
  /** Requests per client address (all sources together), so one noisy client cannot starve the rest. */
  perClientRate: BucketConfig;
  /** Most buckets kept in memory per limiter; the oldest are dropped beyond it. */
  rateLimiterMaxKeys: number;
  /** How long a source looked up by token or alias is reused without asking the store, in ms. */
  sourceCacheMs: number;
  /**
   * Public base URL (`https://hooks.example.com`) used to rebuild the URL a sender signed (Twilio);
   * null uses the request's Host header and protocol.
   */
  publicBaseUrl: string | null;
}

export const DEFAULT_INGEST_CONFIG: IngestConfig = {
  maxBodyBytesLimit: 25 * MiB,
  defaultMaxBodyBytes: 1 * MiB,
  bodyTimeoutMs: 30_000,
  maxJsonDepth: 128,
  // Generous for real providers (GitHub peaks at a few hundred per second per hook), small enough
  // that a flood of forged requests is shed before it costs a signature check each.
  perSourceRate: { ratePerSecond: 2000, burst: 4000 },
  perClientRate: { ratePerSecond: 2000, burst: 4000 },
  rateLimiterMaxKeys: 100_000,
  sourceCacheMs: 1000,
  publicBaseUrl: null,
};

/** The default config with `overrides` applied. */
export function ingestConfig(overrides: Partial<IngestConfig> = {}): IngestConfig {
  return { ...DEFAULT_INGEST_CONFIG, ...overrides };
}
