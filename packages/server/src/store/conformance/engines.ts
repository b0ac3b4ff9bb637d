/**
 * The engines the conformance suite loops over (kysely style): every conformance test file calls
 * `forEachEngine` and runs its tests once per engine, each against a fresh store.
 *
 * SQLite always runs (a file in a fresh temp dir). PostgreSQL runs when `HOOKLINE_TEST_PG_URL` is set:
 * each `open()` creates a database with a random suffix and drops it on `close()`. When `CI=true`, an unset
 * or unreachable URL makes every PostgreSQL test FAIL rather than skip, so CI can never pass without it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { createIdGenerator } from '../../ids.ts';
import type { Store, StoreDeps } from '../store.ts';
import { StoreError } from '../store-error.ts';

/** A settable clock: tests move time with `advance`, never with sleeps. */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createTestClock(start = 1_700_000_000_000): TestClock {
  let current = start;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface OpenOptions {
  /** Defaults to a fresh `createTestClock()`. */
  clock?: TestClock;
  /** Leave the store unmigrated (tests of migrate itself); default false. */
  skipMigrate?: boolean;
  /** Engine-specific tuning a test needs (e.g. SQLite `maxBodyBytes`); engines ignore what they do not know. */
  options?: Record<string, unknown>;
}

/** A fresh, migrated store and the clock it reads. `close()` closes it and removes its file or database. */
export interface TestStore {
  store: Store;
  clock: TestClock;
  deps: StoreDeps;
  close(): Promise<void>;
  /** Opens a second store on the same file/database (a second "process"), unmigrated. */
  openPeer(clock?: TestClock): Promise<Store>;
  /** Runs one SQL query on its own connection, bypassing the store (what a database dump would show). */
  rawQuery(sql: string): Promise<Record<string, unknown>[]>;
  /** The URL `openStore`/`hookline --database` takes for this store. */
  url: string;
}

export interface EngineFactory {
  name: 'sqlite' | 'postgres';
  /** A reason to skip this engine here, or null to run it. */
  skip: string | null;
  open(options?: OpenOptions): Promise<TestStore>;
}

function depsFor(clock: TestClock): StoreDeps {
  return { clock: clock.now, newId: createIdGenerator(clock.now) };
}

const sqliteEngine: EngineFactory = {
  name: 'sqlite',
  skip: null,
  async open(options = {}) {
    const { createSqliteStore } = await import('../sqlite/create-sqlite-store.ts');
    const dir = mkdtempSync(join(tmpdir(), 'hookline-store-'));
    const path = join(dir, 'nested', 'hookline.db');
    const clock = options.clock ?? createTestClock();
    const deps = depsFor(clock);
    const store = createSqliteStore({ path, deps, ...(options.options ?? {}) });
    if (!options.skipMigrate) await store.migrate();
    const peers: Store[] = [];
    return {
      store,
      clock,
      deps,
      async openPeer(peerClock = clock) {
        const peer = createSqliteStore({ path, deps: depsFor(peerClock), ...(options.options ?? {}) });
        peers.push(peer);
        return peer;
      },
      async rawQuery(sql) {
        const { DatabaseSync } = await import('node:sqlite');
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          return db.prepare(sql).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
      url: path,
      async close() {
        for (const peer of peers) await peer.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

// A variable specifier, so this file type-checks before the PostgreSQL engine lands.
const POSTGRES_FACTORY: string = '../postgres/create-postgres-store.ts';
interface PostgresFactoryModule {
  createPostgresStore(
    options: { connectionString: string; deps: StoreDeps } & Record<string, unknown>,
  ): Store;
}

const pgUrl = process.env.HOOKLINE_TEST_PG_URL;
const ci = process.env.CI === 'true';

const postgresEngine: EngineFactory = {
  name: 'postgres',
  skip: pgUrl || ci ? null : 'HOOKLINE_TEST_PG_URL is not set',
  async open(options = {}) {
    if (!pgUrl) {
      throw new StoreError(
        'unavailable',
        'CI=true requires HOOKLINE_TEST_PG_URL: the PostgreSQL suite may not be skipped',
      );
    }
    // Dynamic imports keep this file type-checking and the SQLite suite running on machines without the
    // PostgreSQL engine or driver.
    const { default: pg } = await import('pg');
    const { createPostgresStore } = (await import(POSTGRES_FACTORY)) as PostgresFactoryModule;
    const database = `hookline_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const url = new URL(pgUrl);
    url.pathname = `/${database}`;
    const connectionString = url.toString();
    const clock = options.clock ?? createTestClock();
    const deps = depsFor(clock);
    const store: Store = createPostgresStore({ connectionString, deps, ...(options.options ?? {}) });
    if (!options.skipMigrate) await store.migrate();
    const peers: Store[] = [];
    return {
      store,
      clock,
      deps,
      async openPeer(peerClock = clock) {
        const peer: Store = createPostgresStore({ connectionString, deps: depsFor(peerClock) });
        peers.push(peer);
        return peer;
      },
      async rawQuery(sql) {
        const client = new pg.Client({ connectionString });
        await client.connect();
        try {
          return (await client.query(sql)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      },
      url: connectionString,
      async close() {
        for (const peer of peers) await peer.close();
        await store.close();
        const dropper = new pg.Client({ connectionString: pgUrl });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      },
    };
  },
};

/** Every engine the suite knows; `skip` says whether it runs here. */
export const engines: EngineFactory[] = [sqliteEngine, postgresEngine];

/**
 * Declares `fn`'s tests once per engine, each inside `describe(engine.name)`, skipped (with the reason)
 * where the engine is unavailable.
 *
 * @example
 * forEachEngine((engine) => {
 *   test('round-trips an endpoint', async () => {
 *     const t = await engine.open();
 *     try { ... } finally { await t.close(); }
 *   });
 * });
 */
export function forEachEngine(fn: (engine: EngineFactory) => void): void {
  for (const engine of engines) {
    describe(engine.name, engine.skip ? { skip: engine.skip } : {}, () => fn(engine));
  }
}
