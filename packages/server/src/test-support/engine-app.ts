import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { mintApiKey } from '../auth/api-key-token.ts';
import { defaultConfig } from '../config.ts';
import { maxAttempts } from '../delivery/retry-policy.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import type { EngineFactory, TestStore } from '../store/conformance/engines.ts';
import type { ApiKeyScope } from '../store/types.ts';

/** The whole app (API and ingest) on a fresh store of one conformance engine, with key minting. */
export interface EngineApp {
  app: FastifyInstance;
  t: TestStore;
  createKey(scopes: ApiKeyScope[], tenant?: string | null): Promise<string>;
  auth(key: string): { authorization: string };
  close(): Promise<void>;
}

/**
 * Like test-app.ts's createTestApp, but on any engine of the conformance suite (SQLite file or a fresh
 * PostgreSQL database), for API tests whose queries differ per engine.
 */
export async function createEngineApp(engine: EngineFactory): Promise<EngineApp> {
  const t = await engine.open();
  const clock = t.clock.now;
  const app = await buildApp({
    store: t.store,
    config: defaultConfig(),
    clock,
    router: createRouter(t.store, { clock }),
    maxAttempts: (endpoint) => maxAttempts(endpoint),
    ssrfPolicy: createSsrfPolicy({ allowLoopback: true }),
    dispatcher: null,
    ingest: {},
  });
  return {
    app,
    t,
    async createKey(scopes, tenant = null) {
      const minted = mintApiKey();
      await t.store.createApiKey({ name: 'test', hash: minted.hash, prefix: minted.prefix, scopes, tenant });
      return minted.key;
    },
    auth: (key) => ({ authorization: `Bearer ${key}` }),
    async close() {
      await app.close();
      await t.close();
    },
  };
}
