import { StoreError } from '../store-error.ts';

/**
 * Fails calls fast while the database is known to be down, so a caller retrying in a loop (a dispatcher,
 * an ingest burst) costs neither a connection attempt nor a connect timeout each time. After a failure
 * the window doubles from `minMs` to `maxMs`; once it passes, calls go through again (the first to
 * succeed closes the breaker). Uses a monotonic clock: this is operational timing, not record time.
 */
export interface AvailabilityGuard {
  /** Throws `unavailable` while the breaker is open. */
  check(): void;
  failed(error: unknown): void;
  succeeded(): void;
  readonly down: boolean;
}

export function createAvailabilityGuard(
  options: { minMs?: number; maxMs?: number; now?: () => number } = {},
): AvailabilityGuard {
  const minMs = options.minMs ?? 100;
  const maxMs = options.maxMs ?? 5_000;
  const now = options.now ?? (() => performance.now());
  let openUntil = 0;
  let backoff = 0;
  let lastError: unknown = null;
  return {
    get down() {
      return backoff > 0;
    },
    check() {
      if (backoff > 0 && now() < openUntil) {
        throw new StoreError(
          'unavailable',
          `hookline store (postgres): database unavailable, retrying in ${Math.ceil(openUntil - now())} ms`,
          lastError,
        );
      }
    },
    failed(error) {
      lastError = error;
      backoff = backoff === 0 ? minMs : Math.min(backoff * 2, maxMs);
      openUntil = now() + backoff;
    },
    succeeded() {
      backoff = 0;
      openUntil = 0;
    },
  };
}
