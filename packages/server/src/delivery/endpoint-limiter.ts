/**
 * Per-endpoint admission: a concurrency cap and a token-bucket rate limit. The dispatcher asks before
 * each attempt and excludes saturated endpoints from its next claim, so one slow or dead endpoint holds
 * at most its own slots and never the pool that healthy endpoints share.
 */
export interface EndpointLimits {
  /** Attempts in flight at once to this endpoint. */
  maxConcurrency: number;
  /** Attempts started per second; null means unlimited. */
  ratePerSecond: number | null;
}

interface EndpointState {
  active: number;
  tokens: number;
  refilledAt: number;
  limits: EndpointLimits;
}

export class EndpointLimiter {
  readonly #clock: () => number;
  readonly #states = new Map<string, EndpointState>();

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** Takes a slot (and a token) when the endpoint has both; false means try later. */
  tryAcquire(endpointId: string, limits: EndpointLimits): boolean {
    const state = this.#state(endpointId, limits);
    if (state.active >= state.limits.maxConcurrency) return false;
    if (state.limits.ratePerSecond !== null) {
      this.#refill(state);
      if (state.tokens < 1) return false;
      state.tokens -= 1;
    }
    state.active += 1;
    return true;
  }

  release(endpointId: string): void {
    const state = this.#states.get(endpointId);
    if (!state) return;
    state.active = Math.max(0, state.active - 1);
    if (state.active === 0 && state.limits.ratePerSecond === null) this.#states.delete(endpointId);
  }

  /** True when no attempt could start now: at its concurrency cap or out of tokens. */
  isSaturated(endpointId: string): boolean {
    const state = this.#states.get(endpointId);
    if (!state) return false;
    if (state.active >= state.limits.maxConcurrency) return true;
    if (state.limits.ratePerSecond === null) return false;
    this.#refill(state);
    return state.tokens < 1;
  }

  /** Milliseconds until a rate-limited endpoint has a token again (0 when it has one now). */
  waitMs(endpointId: string): number {
    const state = this.#states.get(endpointId);
    if (!state || state.limits.ratePerSecond === null) return 0;
    this.#refill(state);
    if (state.tokens >= 1) return 0;
    return Math.ceil(((1 - state.tokens) / state.limits.ratePerSecond) * 1000);
  }

  saturatedEndpoints(): string[] {
    const out: string[] = [];
    for (const id of this.#states.keys()) if (this.isSaturated(id)) out.push(id);
    return out;
  }

  activeCount(endpointId: string): number {
    return this.#states.get(endpointId)?.active ?? 0;
  }

  #state(endpointId: string, limits: EndpointLimits): EndpointState {
    let state = this.#states.get(endpointId);
    if (!state) {
      // A new bucket starts full, at one second's worth, so a burst may start at once.
      state = { active: 0, tokens: limits.ratePerSecond ?? 0, refilledAt: this.#clock(), limits };
      this.#states.set(endpointId, state);
    } else {
      state.limits = limits;
    }
    return state;
  }

  #refill(state: EndpointState): void {
    const rate = state.limits.ratePerSecond;
    if (rate === null) return;
    const now = this.#clock();
    const elapsed = Math.max(0, now - state.refilledAt);
    state.tokens = Math.min(rate, state.tokens + (elapsed / 1000) * rate);
    state.refilledAt = now;
  }
}
