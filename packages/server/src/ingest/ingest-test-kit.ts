/**
 * Test support for the ingest path: the real app (buildApp) on a real store of the given engine, with
 * the sources API and ingest routes registered as main.ts will, an admin key, and helpers to create
 * sources and endpoints. Not imported by production code.
 */
import type { FastifyInstance } from 'fastify';
import { type AppOps, buildApp } from '../app.ts';
import { mintApiKey } from '../auth/api-key-token.ts';
import { defaultConfig } from '../config.ts';
import { maxAttempts } from '../delivery/retry-policy.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import type { EngineFactory, TestClock, TestStore } from '../store/conformance/engines.ts';
import type { Store } from '../store/store.ts';
import type { Endpoint } from '../store/types.ts';
import type { IngestConfig } from './ingest-config.ts';

/** Created sources as the create call returns them (secrets included, shown only there). */
export interface CreatedSource {
  id: string;
  ingestPath: string;
  alias: string | null;
  secrets: string[];
  [key: string]: unknown;
}

export interface IngestKit {
  app: FastifyInstance;
  store: Store;
  clock: TestClock;
  adminKey: string;
  auth: { authorization: string };
  createSource(body: Record<string, unknown>): Promise<CreatedSource>;
  createEndpoint(patch?: Partial<Endpoint>): Promise<Endpoint>;
  /** Listens on a random loopback port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createIngestKit(
  engine: EngineFactory,
  options: { config?: Partial<IngestConfig>; testStore?: TestStore; ops?: AppOps } = {},
): Promise<IngestKit> {
  const t = options.testStore ?? (await engine.open());
  const { store, clock } = t;
  const router = createRouter(store, { clock: clock.now, refreshIntervalMs: 0 });
  // The app exactly as main.ts builds it (buildApp wires the sources API and ingest routes with one
  // shared resolver); the source cache is off unless a test asks for it, since tests move the clock.
  const app = await buildApp({
    store,
    config: defaultConfig(),
    clock: clock.now,
    router,
    maxAttempts: (endpoint) => maxAttempts(endpoint),
    ssrfPolicy: createSsrfPolicy({ allowLoopback: true }),
    ingest: { config: { bodyTimeoutMs: 2000, sourceCacheMs: 0, ...options.config } },
    ...(options.ops ? { ops: options.ops } : {}),
  });
  const minted = mintApiKey();
  await store.createApiKey({
    name: 'admin',
    hash: minted.hash,
    prefix: minted.prefix,
    scopes: ['admin'],
    tenant: null,
  });
  const auth = { authorization: `Bearer ${minted.key}` };
  let closed = false;
  return {
    app,
    store,
    clock,
    adminKey: minted.key,
    auth,
    async createSource(body) {
      const response = await app.inject({ method: 'POST', url: '/v1/sources', headers: auth, payload: body });
      if (response.statusCode !== 201)
        throw new TypeError(`createSource: ${response.statusCode} ${response.body}`);
      return response.json() as CreatedSource;
    },
    createEndpoint(patch = {}) {
      return store.createEndpoint({
        tenant: null,
        url: 'https://receiver.example/hook',
        description: '',
        disabled: false,
        eventTypes: null,
        channels: null,
        sources: null,
        payloadFilter: null,
        headers: {},
        timeoutMs: 15_000,
        retrySchedule: null,
        rateLimitPerSecond: null,
        maxConcurrency: null,
        signing: { scheme: 'standard-webhooks-v1' },
        secrets: [
          { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', createdAt: clock.now(), expiresAt: null },
        ],
        metadata: {},
        ...patch,
      });
    },
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new TypeError('no port');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await t.close();
    },
  };
}
