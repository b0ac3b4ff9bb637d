import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ResendHandle } from '../api/api-deps.ts';
import { buildApp } from '../app.ts';
import { mintApiKey } from '../auth/api-key-token.ts';
import { defaultConfig, type HooklineConfig } from '../config.ts';
import { DEFAULT_RETRY_POLICY, maxAttempts } from '../delivery/retry-policy.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import { createIdGenerator } from '../ids.ts';
import { createSqliteStore } from '../store/sqlite/create-sqlite-store.ts';
import type { Store, StoreDeps } from '../store/store.ts';
import type { ApiKeyScope } from '../store/types.ts';

/** A clock tests move by hand: no sleeps, no wall time. */
export interface TestClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function createTestClock(start = Date.parse('2026-01-01T00:00:00.000Z')): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  clock: TestClock;
  config: HooklineConfig;
  /** An unscoped admin key. */
  adminKey: string;
  /** Mints a key straight in the store. */
  createKey(scopes: ApiKeyScope[], tenant?: string | null): Promise<string>;
  /** `Authorization` header for a key. */
  auth(key: string): { authorization: string };
  close(): Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<HooklineConfig>;
  dispatcher?: ResendHandle | null;
  /** Allow loopback destinations (receivers in tests); default true. */
  allowLoopback?: boolean;
  /** Serve `/v1/sources` and the ingest routes too; default true (the whole app, as main.ts builds it). */
  ingest?: boolean;
  /** Opens the store instead of a fresh SQLite file (e.g. a PostgreSQL test database); it gets migrated. */
  openStore?: (deps: StoreDeps) => Store;
}

/**
 * The real app on a real SQLite file in a fresh temp dir, migrated, with an admin key. Call
 * `close()` in `after`/`t.after` to close the app and store and remove the directory.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-api-'));
  const clock = createTestClock();
  const deps: StoreDeps = { clock, newId: createIdGenerator(clock) };
  const store = options.openStore
    ? options.openStore(deps)
    : createSqliteStore({ path: join(dir, 'hookline.db'), deps });
  await store.migrate();
  const config = { ...defaultConfig(), ...options.config };
  const app = await buildApp({
    store,
    config,
    clock,
    router: createRouter(store, { clock }),
    maxAttempts: (endpoint) =>
      maxAttempts(endpoint, { ...DEFAULT_RETRY_POLICY, schedule: config.retrySchedule }),
    ssrfPolicy: createSsrfPolicy({ allowLoopback: options.allowLoopback ?? true }),
    dispatcher: options.dispatcher ?? null,
    ...(options.ingest === false ? {} : { ingest: {} }),
  });
  const createKey = async (scopes: ApiKeyScope[], tenant: string | null = null) => {
    const minted = mintApiKey();
    await store.createApiKey({
      name: `test ${scopes.join('+')}`,
      hash: minted.hash,
      prefix: minted.prefix,
      scopes,
      tenant,
    });
    return minted.key;
  };
  const adminKey = await createKey(['admin']);
  return {
    app,
    store,
    clock,
    config,
    adminKey,
    createKey,
    auth: (key) => ({ authorization: `Bearer ${key}` }),
    async close() {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The parsed JSON body of an inject response. */
export function bodyOf<T = Record<string, unknown>>(response: { body: string }): T {
  return JSON.parse(response.body) as T;
}

/** Asserts the catalog error shape and returns the code, for `assert.equal(errorCode(r), 'not_found')`. */
export function errorCode(response: { body: string; statusCode: number }): string {
  const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
  if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string') {
    return `not an error body (${response.statusCode}): ${response.body.slice(0, 200)}`;
  }
  return parsed.error.code;
}
