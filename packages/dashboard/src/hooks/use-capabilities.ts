import { useEffect, useState } from 'preact/hooks';
import { type ApiClient, ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Page } from '../api/types.ts';
import { loadApiKey } from '../session.ts';

/** What the signed-in key may do, so pages hide the controls it cannot use. */
export interface Capabilities {
  /** The key holds the `admin` scope: it may create, change and delete. */
  admin: boolean;
  /** The key's tenant: a name for a tenant-scoped key, null for an unscoped one, undefined when unknown. */
  tenant: string | null | undefined;
}

interface ApiKeyRow {
  prefix: string;
  scopes: string[];
  tenant: string | null;
}

// The key prefix the server stores and lists (auth/api-key-token.ts).
const PREFIX_LENGTH = 11;

const cache = new WeakMap<ApiClient, Promise<Capabilities>>();

/**
 * There is no "who am I" route: `GET /v1/api-keys` needs `admin`, so a 403 means a read or publish key,
 * and for an admin key the listed key with our prefix tells its tenant (a tenant key lists its tenant's
 * keys only). Any other failure assumes admin and lets each action report the server's coded error.
 */
export async function loadCapabilities(api: ApiClient, apiKey: string | null): Promise<Capabilities> {
  try {
    const page = await api.get<Page<ApiKeyRow>>('/v1/api-keys', { limit: 1000 });
    const prefix = apiKey?.slice(0, PREFIX_LENGTH);
    const mine = page.data.find((key) => key.prefix === prefix);
    return { admin: true, tenant: mine === undefined ? undefined : mine.tenant };
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 403) return { admin: false, tenant: undefined };
    return { admin: true, tenant: undefined };
  }
}

/** The signed-in key's capabilities; null while they are being found out (hide admin controls meanwhile). */
export function useCapabilities(): Capabilities | null {
  const api = useApi();
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  useEffect(() => {
    let current = true;
    let pending = cache.get(api);
    if (pending === undefined) {
      pending = loadCapabilities(api, loadApiKey());
      cache.set(api, pending);
    }
    pending.then((found) => {
      if (current) setCapabilities(found);
    });
    return () => {
      current = false;
    };
  }, [api]);
  return capabilities;
}
