import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createIdGenerator } from '../ids.ts';
import { openTestStore, pgSkip } from '../store/postgres/test-database.ts';
import { createSqliteStore } from '../store/sqlite/create-sqlite-store.ts';
import { checkReadiness } from './readiness.ts';

async function sqliteStore(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-ready-'));
  const clock = () => Date.parse('2026-01-01T00:00:00Z');
  const store = createSqliteStore({
    path: join(dir, 'hookline.db'),
    deps: { clock, newId: createIdGenerator(clock) },
  });
  t.after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

test('ready only once the store is migrated; an api role has no worker to wait for', async (t) => {
  const store = await sqliteStore(t);
  const before = await checkReadiness({ store, workerRunning: null });
  assert.equal(before.ready, false);
  assert.match(before.checks.store, /^pending migrations: /);
  await store.migrate();
  assert.deepEqual(await checkReadiness({ store, workerRunning: null }), {
    ready: true,
    checks: { store: 'ok', worker: 'not_run' },
  });
});

test('a stopped worker loop or a closed store makes the process not ready, with the reason', async (t) => {
  const store = await sqliteStore(t);
  await store.migrate();
  let running = true;
  const workerRunning = () => running;
  assert.deepEqual(await checkReadiness({ store, workerRunning }), {
    ready: true,
    checks: { store: 'ok', worker: 'ok' },
  });
  running = false;
  assert.deepEqual(await checkReadiness({ store, workerRunning }), {
    ready: false,
    checks: { store: 'ok', worker: 'stopped' },
  });
  await store.close();
  const closed = await checkReadiness({ store, workerRunning: null });
  assert.deepEqual(closed, { ready: false, checks: { store: 'closed', worker: 'not_run' } });
});

test('a store whose ping throws is reported as not ready rather than crashing the probe', async () => {
  const store = {
    ping: async (): Promise<{ ok: true }> => {
      throw new TypeError('connection refused');
    },
  };
  const result = await checkReadiness({ store, workerRunning: null });
  assert.deepEqual(result, { ready: false, checks: { store: 'connection refused', worker: 'not_run' } });
});

test('PostgreSQL: ready when migrated; a database that goes away makes /readyz fail with the reason', {
  skip: pgSkip,
}, async () => {
  const { store, database } = await openTestStore();
  try {
    assert.deepEqual(await checkReadiness({ store, workerRunning: null }), {
      ready: true,
      checks: { store: 'ok', worker: 'not_run' },
    });
    // DROP … WITH (FORCE) ends this store's sessions too: the next ping meets a dead connection.
    await database.drop();
    const gone = await checkReadiness({ store, workerRunning: null });
    assert.equal(gone.ready, false);
    assert.notEqual(gone.checks.store, 'ok');
    assert.ok(gone.checks.store.length > 0);
  } finally {
    await store.close().catch(() => {});
    await database.drop();
  }
});
