import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppOps, buildApp } from '../app.ts';
import { mintApiKey } from '../auth/api-key-token.ts';
import { defaultConfig, type HooklineConfig } from '../config.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import { createIdGenerator } from '../ids.ts';
import type { IngestConfig } from '../ingest/ingest-config.ts';
import { createSqliteStore } from '../store/sqlite/create-sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { createTestClock, type TestClock } from '../test-support/test-app.ts';
import { instrumentStore } from './instrument-store.ts';
import { createMetrics, type HooklineMetrics } from './metrics.ts';

export interface OpsTestApp {
  app: FastifyInstance;
  store: Store;
  clock: TestClock;
  metrics: HooklineMetrics | null;
  adminKey: string;
  close(): Promise<void>;
}

/**
 * The real app on a real SQLite file with the operations wiring main.ts does (metrics registry,
 * instrumented store, worker liveness), for tests of /readyz and /metrics through `inject`.
 */
export async function createOpsTestApp(
  options: {
    config?: Partial<HooklineConfig>;
    workerRunning?: (() => boolean) | null;
    ingest?: Partial<IngestConfig>;
  } = {},
): Promise<OpsTestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-ops-'));
  const clock = createTestClock();
  const raw = createSqliteStore({
    path: join(dir, 'hookline.db'),
    deps: { clock, newId: createIdGenerator(clock) },
  });
  await raw.migrate();
  const config = { ...defaultConfig(), ...options.config };
  const metrics = config.metrics ? createMetrics({ store: raw, clock }) : null;
  const store = metrics ? instrumentStore(raw, metrics) : raw;
  const ops: AppOps = { workerRunning: options.workerRunning ?? null, metrics };
  const app = await buildApp({
    store,
    config,
    clock,
    router: createRouter(store, { clock }),
    maxAttempts: () => 3,
    ssrfPolicy: createSsrfPolicy({ allowLoopback: true }),
    dispatcher: null,
    ingest: { config: options.ingest ?? {} },
    ops,
  });
  const minted = mintApiKey();
  await store.createApiKey({
    name: 'ops test',
    hash: minted.hash,
    prefix: minted.prefix,
    scopes: ['admin'],
    tenant: null,
  });
  return {
    app,
    store,
    clock,
    metrics,
    adminKey: minted.key,
    async close() {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
