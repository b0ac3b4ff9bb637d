import { ApiError } from '../errors.ts';
import type { ApiKey, ApiKeyScope } from '../store/types.ts';

/** The scope each route needs; `admin` includes every other scope. */
export type RequiredScope = ApiKeyScope;

/** Throws `forbidden` unless the key holds `scope` (or `admin`). */
export function requireScope(key: ApiKey, scope: RequiredScope): void {
  if (key.scopes.includes('admin') || key.scopes.includes(scope)) return;
  throw new ApiError('forbidden', `This API key lacks the "${scope}" scope.`);
}

/**
 * True when the key may see a resource with this tenant. Tenant-scoped keys see only their own
 * tenant; callers answer `not_found` (not `forbidden`) so ids of other tenants do not leak.
 */
export function canSee(key: ApiKey, tenant: string | null): boolean {
  return key.tenant === null || key.tenant === tenant;
}

/** Throws `not_found` for a missing resource or one of another tenant. */
export function visibleOr404<T extends { tenant: string | null }>(
  key: ApiKey,
  resource: T | null,
  what: string,
): T {
  if (resource === null || !canSee(key, resource.tenant)) throw new ApiError('not_found', `No such ${what}.`);
  return resource;
}

/**
 * The tenant a write lands in: a tenant-scoped key always writes its own tenant and may not name
 * another; an unscoped key writes what it asks for.
 */
export function writeTenant(key: ApiKey, requested: string | null | undefined): string | null {
  if (key.tenant === null) return requested ?? null;
  if (requested !== undefined && requested !== null && requested !== key.tenant) {
    throw new ApiError('forbidden', `This API key is limited to tenant "${key.tenant}".`);
  }
  return key.tenant;
}

/** The tenant filter of a list: a tenant-scoped key is pinned to its tenant. */
export function readTenant(key: ApiKey, requested: string | undefined): string | undefined {
  if (key.tenant === null) return requested;
  if (requested !== undefined && requested !== key.tenant) {
    throw new ApiError('forbidden', `This API key is limited to tenant "${key.tenant}".`);
  }
  return key.tenant;
}

/** Global resources (the event-type catalog, unscoped keys) are changed only by unscoped keys. */
export function requireUnscoped(key: ApiKey, what: string): void {
  if (key.tenant !== null) throw new ApiError('forbidden', `Tenant-scoped API keys may not change ${what}.`);
}
