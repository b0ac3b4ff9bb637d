import type { Store } from '../store/store.ts';
import type { Endpoint } from '../store/types.ts';

export interface HealthSweepOptions {
  store: Store;
  clock: () => number;
  /** Continuous failure after which an endpoint is disabled (default 5 days, as Svix). */
  disableAfterMs: number;
  onDisabled?: (endpoint: Endpoint, reason: string) => void | Promise<void>;
}

/**
 * Disables endpoints that have failed without a single success for `disableAfterMs`: their first failure
 * since the last success (`failingSince`) and a failure at least `disableAfterMs` later. Silence is not
 * failure: an endpoint whose retries ran out and that got no traffic since is not known to be down, so the
 * clock alone never disables it (Svix decides on a failed attempt the same way). Pending deliveries stay as
 * they are (claims skip disabled endpoints), so enabling the endpoint again or a recover brings them back.
 */
export async function sweepEndpointHealth(options: HealthSweepOptions): Promise<string[]> {
  const now = options.clock();
  const disabled: string[] = [];
  for (const endpoint of await options.store.listActiveEndpoints()) {
    const since = endpoint.failingSince;
    if (since === null || now - since < options.disableAfterMs) continue;
    const last = await options.store.lastFailedAttempt(endpoint.id);
    if (last === null || last.at - since < options.disableAfterMs) continue;
    const days = Math.floor((last.at - since) / 86_400_000);
    const reason = `every attempt failed for ${days} days, from ${new Date(since).toISOString()} to ${new Date(last.at).toISOString()}`;
    const updated = await options.store.updateEndpoint(endpoint.id, {
      disabled: true,
      disabledReason: reason,
    });
    disabled.push(endpoint.id);
    await options.onDisabled?.(updated, reason);
  }
  return disabled;
}
