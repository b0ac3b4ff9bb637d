import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { createIdGenerator } from '../../ids.ts';
import { createTestClock } from '../conformance/engines.ts';
import { errorCode, newMessage } from '../conformance/fixtures.ts';
import { isStoreError } from '../store-error.ts';
import { createSqliteStore, type SqliteStoreOptions } from './create-sqlite-store.ts';
import { migrationFiles } from './migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function open(name: string, extra: Partial<SqliteStoreOptions> = {}) {
  const clock = createTestClock();
  const path = join(dir, name);
  return {
    path,
    store: createSqliteStore({
      path,
      deps: { clock: clock.now, newId: createIdGenerator(clock.now) },
      ...extra,
    }),
  };
}

test('a full disk surfaces as disk_full to the callers that did not fit; every acknowledged message is stored whole', async () => {
  // max_page_count caps the file like a full disk would: the migrated schema takes ~51 pages of 4 KiB
  // (it grows with migrations: keep ~50 pages of room above it for the messages that fit).
  const { store } = open('full.db', { maxPageCount: 100 });
  await store.migrate();
  const body = new Uint8Array(16 * 1024).fill(120);
  const stored: string[] = [];
  let full = 0;
  for (let round = 0; round < 20 && full === 0; round++) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => store.insertMessage(newMessage({ body, endpoints: ['a', 'b', 'c'] }))),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') stored.push(outcome.value.message.id);
      else {
        assert.ok(isStoreError(outcome.reason, 'disk_full'), String(outcome.reason));
        full++;
      }
    }
  }
  assert.ok(full > 0, 'the cap was reached');
  assert.ok(stored.length > 0);
  const messages = await store.listMessages({ limit: 1000 });
  assert.deepEqual(
    messages.data.map((m) => m.id).sort(),
    [...stored].sort(),
    'every acknowledged message, and only those',
  );
  const deliveries = await store.listDeliveries({ limit: 1000 });
  assert.equal(deliveries.data.length, stored.length * 3, 'no message without its deliveries');
  // Reads still work, and a write that fits still commits.
  assert.equal(
    (await store.insertMessage(newMessage({ body: new Uint8Array(1), endpoints: [] }))).duplicate,
    false,
  );
  await store.close();
});

test('a write lock held past busy_timeout is `locked`; writes resume once it is released', async () => {
  const { path, store } = open('locked.db', { busyTimeoutMs: 50 });
  await store.migrate();
  const other = new DatabaseSync(path);
  other.exec('BEGIN IMMEDIATE');
  try {
    const results = await Promise.allSettled([
      store.insertMessage(newMessage()),
      store.insertMessage(newMessage()),
    ]);
    for (const r of results)
      assert.ok(r.status === 'rejected' && isStoreError(r.reason, 'locked'), String(r));
    assert.equal((await store.listMessages({})).data.length, 0, 'reads go on under WAL');
  } finally {
    other.exec('COMMIT');
    other.close();
  }
  assert.equal((await store.insertMessage(newMessage())).duplicate, false);
  await store.close();
});

test('a closed store refuses calls with `closed`; close waits for queued writes', async () => {
  const { store } = open('closed.db');
  await store.migrate();
  const pending = store.insertMessage(newMessage());
  await store.close();
  assert.equal((await pending).duplicate, false);
  assert.equal(await errorCode(store.insertMessage(newMessage())), 'closed');
  assert.equal(await errorCode(store.getMessage('msg_x')), 'closed');
  assert.deepEqual(await store.ping(), { ok: false, reason: 'closed' });
});

test('ping reports pending migrations; migrate creates the parent directory', async () => {
  const { store } = open('deep/er/ping.db');
  const before = await store.ping();
  assert.equal(before.ok, false);
  assert.match(before.ok ? '' : before.reason, /001_init/);
  assert.deepEqual(await store.migrate(), { applied: migrationFiles().map((m) => m.name) });
  assert.deepEqual(await store.ping(), { ok: true });
  await store.close();
});

test('a path that cannot be opened is a coded error at creation', () => {
  const blocker = join(dir, 'not-a-directory');
  writeFileSync(blocker, 'x');
  assert.throws(
    () => open('not-a-directory/sub/h.db'),
    (error) => isStoreError(error, 'unavailable'),
  );
});
