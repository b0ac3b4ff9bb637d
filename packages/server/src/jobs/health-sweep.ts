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
 * Disables endpoints that have failed without a single success for `disableAfterMs`. Their pending
 * deliveries stay as they are (claims skip disabled endpoints), so enabling the endpoint again or a
 * recover brings them back.
 */
export async function sweepEndpointHealth(options: HealthSweepOptions): Promise<string[]> {
  const now = options.clock();
  const disabled: string[] = [];
  for (const endpoint of await options.store.listActiveEndpoints()) {
    if (endpoint.failingSince === null || now - endpoint.failingSince < options.disableAfterMs) continue;
    const days = Math.floor((now - endpoint.failingSince) / 86_400_000);
    const reason = `every attempt failed for ${days} days since ${new Date(endpoint.failingSince).toISOString()}`;
    const updated = await options.store.updateEndpoint(endpoint.id, {
      disabled: true,
      disabledReason: reason,
    });
    disabled.push(endpoint.id);
    await options.onDisabled?.(updated, reason);
  }
  return disabled;
}
