import type { FastifyInstance } from 'fastify';
import { type RequiredScope, requireScope } from '../auth/access.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { ApiKey } from '../store/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key on authenticated routes (set by the onRequest hook). */
    apiKey: ApiKey | null;
  }
  interface FastifyContextConfig {
    /** Scope the route needs; every `/v1` route declares one. */
    scope?: RequiredScope;
  }
}

/**
 * Authenticates every route that declares a `scope`, before the body is read, so an anonymous
 * request never costs a body parse.
 */
export function installAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return;
    const key = await authenticator.authenticate(request.headers.authorization);
    requireScope(key, scope);
    request.apiKey = key;
  });
}

/** The authenticated key of a scoped route (the hook guarantees it). */
export function callerOf(request: { apiKey: ApiKey | null }): ApiKey {
  if (request.apiKey === null) throw new TypeError('route declared no scope');
  return request.apiKey;
}
