import type { Store } from '../store/store.ts';
import type { Endpoint } from '../store/types.ts';
import { eventTypesMatch } from './event-type-match.ts';
import { matchesPayloadFilter } from './payload-filter.ts';

/** What routing needs to know about a message. `payload` is the parsed JSON body (or undefined). */
export interface RoutableMessage {
  tenant: string | null;
  eventType: string;
  channels: string[];
  sourceId: string | null;
  payload: unknown;
}

/**
 * The tenant rule of routing, resends included: tenant `acme` reaches endpoints of tenant `acme` or
 * without tenant, a message without tenant only endpoints without tenant.
 */
export function tenantMayReach(endpointTenant: string | null, messageTenant: string | null): boolean {
  return endpointTenant === null || endpointTenant === messageTenant;
}

/**
 * True when `endpoint` should receive `message`: enabled; tenant `acme` reaches endpoints of tenant
 * `acme` or without tenant, a message without tenant only endpoints without tenant; event type matches
 * a pattern (null = all); at least one channel in common (endpoint channels null = all); source listed
 * (null = all, and a published message has no source); payload filter satisfied.
 */
export function endpointMatches(endpoint: Endpoint, message: RoutableMessage): boolean {
  if (endpoint.disabled) return false;
  if (!tenantMayReach(endpoint.tenant, message.tenant)) return false;
  if (!eventTypesMatch(endpoint.eventTypes, message.eventType)) return false;
  if (endpoint.channels !== null && !endpoint.channels.some((c) => message.channels.includes(c)))
    return false;
  if (
    endpoint.sources !== null &&
    (message.sourceId === null || !endpoint.sources.includes(message.sourceId))
  ) {
    return false;
  }
  return matchesPayloadFilter(endpoint.payloadFilter, message.payload);
}

export interface Router {
  /** Endpoints that receive `message`, from a cache at most `refreshIntervalMs` behind the store. */
  route(message: RoutableMessage): Promise<Endpoint[]>;
  /** The next `route` checks the store's endpoints version first (call after a local endpoint write). */
  invalidate(): void;
}

export interface RouterOptions {
  clock: () => number;
  /** How often `route` asks the store whether endpoints changed (default 250 ms). */
  refreshIntervalMs?: number;
}

interface Snapshot {
  version: number;
  /** Endpoints by tenant; the `null` key holds endpoints without tenant, which every message may reach. */
  byTenant: Map<string | null, Endpoint[]>;
}

/**
 * A router over the store's active endpoints. It caches `listActiveEndpoints()` and reloads it only
 * when `endpointsVersion()` moved, asking at most every `refreshIntervalMs`, so publishing does not
 * cost an endpoint query per message. Concurrent callers share one refresh.
 */
export function createRouter(
  store: Pick<Store, 'listActiveEndpoints' | 'endpointsVersion'>,
  options: RouterOptions,
): Router {
  const interval = options.refreshIntervalMs ?? 250;
  let snapshot: Snapshot | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let stale = true;
  let refreshing: Promise<Snapshot> | null = null;

  async function refresh(): Promise<Snapshot> {
    // Version first, list second: a write in between makes the next check reload, never miss a change.
    const version = await store.endpointsVersion();
    if (snapshot !== null && snapshot.version === version) return snapshot;
    const endpoints = await store.listActiveEndpoints();
    const byTenant = new Map<string | null, Endpoint[]>();
    for (const endpoint of endpoints) {
      const list = byTenant.get(endpoint.tenant);
      if (list === undefined) byTenant.set(endpoint.tenant, [endpoint]);
      else list.push(endpoint);
    }
    return { version, byTenant };
  }

  async function current(): Promise<Snapshot> {
    const now = options.clock();
    if (snapshot !== null && !stale && now - checkedAt < interval) return snapshot;
    if (refreshing === null) {
      stale = false;
      checkedAt = now;
      refreshing = refresh().then(
        (fresh) => {
          snapshot = fresh;
          refreshing = null;
          return fresh;
        },
        (error: unknown) => {
          stale = true;
          refreshing = null;
          throw error;
        },
      );
    }
    return refreshing;
  }

  return {
    async route(message) {
      const { byTenant } = await current();
      const candidates =
        message.tenant === null
          ? (byTenant.get(null) ?? [])
          : [...(byTenant.get(null) ?? []), ...(byTenant.get(message.tenant) ?? [])];
      return candidates.filter((endpoint) => endpointMatches(endpoint, message));
    },
    invalidate() {
      stale = true;
    },
  };
}
