import type { AttemptResult, Store } from '../store/store.ts';

export interface CompletionBatcherOptions {
  store: Store;
  /** Flush as soon as this many results wait, without waiting for the next tick. */
  maxBatch?: number;
  /** Called with each accepted result after its commit (operational events, metrics). */
  onCommitted?: (result: AttemptResult, accepted: boolean) => void;
  /** Called when a flush fails; the results are retried on the next flush. */
  onError?: (error: unknown, count: number) => void;
  /** Waits before retrying a failed flush, so a store that is down is not hammered. */
  retryDelayMs?: number;
}

/**
 * Coalesces attempt results from many concurrent attempts into one `completeAttempts` call per tick:
 * at 10,000 deliveries/s, one commit per result would cost more than the HTTP calls themselves.
 * A result is never dropped: when the store fails, the batch is kept and retried with a delay, and
 * the leases make sure nothing is lost even if this process dies before the retry.
 */
export class CompletionBatcher {
  readonly #store: Store;
  readonly #maxBatch: number;
  readonly #onCommitted: CompletionBatcherOptions['onCommitted'];
  readonly #onError: CompletionBatcherOptions['onError'];
  readonly #retryDelayMs: number;
  #pending: AttemptResult[] = [];
  #waiters: (() => void)[] = [];
  #scheduled = false;
  #flushing: Promise<void> | null = null;

  constructor(options: CompletionBatcherOptions) {
    this.#store = options.store;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#onCommitted = options.onCommitted;
    this.#onError = options.onError;
    this.#retryDelayMs = options.retryDelayMs ?? 500;
  }

  /** Queues a result; resolves once it is committed (or never, while the store is down). */
  add(result: AttemptResult): Promise<void> {
    this.#pending.push(result);
    const committed = new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#pending.length >= this.#maxBatch) void this.flush();
    else this.#schedule();
    return committed;
  }

  /** Commits everything queued so far. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    const waiters = this.#waiters;
    this.#pending = [];
    this.#waiters = [];
    this.#flushing = this.#commit(batch, waiters);
    try {
      await this.#flushing;
    } finally {
      this.#flushing = null;
    }
  }

  async #commit(batch: AttemptResult[], waiters: (() => void)[]): Promise<void> {
    try {
      const outcomes = await this.#store.completeAttempts(batch);
      for (let i = 0; i < batch.length; i++) {
        const result = batch[i];
        if (result) this.#onCommitted?.(result, outcomes[i]?.accepted ?? false);
      }
      for (const resolve of waiters) resolve();
    } catch (error) {
      this.#onError?.(error, batch.length);
      this.#pending = [...batch, ...this.#pending];
      this.#waiters = [...waiters, ...this.#waiters];
      setTimeout(() => void this.flush(), this.#retryDelayMs).unref();
    }
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.flush();
    });
  }
}
