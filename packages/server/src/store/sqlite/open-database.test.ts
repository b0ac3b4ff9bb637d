import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createIdGenerator } from '../../ids.ts';
import { createSqliteStore } from './create-sqlite-store.ts';
import { type DatabaseOptions, openDatabase, storeSyncsCommits } from './open-database.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-open-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function pragmas(options: Omit<DatabaseOptions, 'path'>, name: string) {
  const db = openDatabase({ path: join(dir, 'nested', name), ...options });
  const read = (pragma: string) => Object.values(db.prepare(`PRAGMA ${pragma}`).get() ?? {})[0];
  const out = {
    journal: read('journal_mode'),
    synchronous: read('synchronous'),
    foreignKeys: read('foreign_keys'),
    busyTimeout: read('busy_timeout'),
  };
  db.close();
  return out;
}

test('every connection: WAL, foreign keys, busy timeout; the parent directory is created', () => {
  assert.deepEqual(pragmas({ busyTimeoutMs: 1234 }, 'a.db'), {
    journal: 'wal',
    synchronous: 1,
    foreignKeys: 1,
    busyTimeout: 1234,
  });
});

test('FULL durability: the store fsyncs the WAL itself by default, or SQLite does with fsync: sqlite', () => {
  assert.equal(storeSyncsCommits({ path: 'x' }), true);
  assert.equal(pragmas({ fsync: 'sqlite' }, 'b.db').synchronous, 2, 'SQLite FULL');
  assert.equal(storeSyncsCommits({ path: 'x', fsync: 'sqlite' }), false);
  assert.equal(pragmas({ synchronous: 'NORMAL' }, 'c.db').synchronous, 1);
  assert.equal(storeSyncsCommits({ path: 'x', synchronous: 'NORMAL' }), false);
});

test('each durability mode stores and reads back a message', async () => {
  for (const mode of [{}, { fsync: 'sqlite' as const }, { synchronous: 'NORMAL' as const }]) {
    const store = createSqliteStore({
      path: join(dir, `mode-${JSON.stringify(mode).replace(/\W/g, '')}.db`),
      deps: { clock: () => 1, newId: createIdGenerator(() => 1) },
      ...mode,
    });
    await store.migrate();
    const { message } = await store.insertMessage({
      eventType: 'e',
      contentType: 'text/plain',
      body: new Uint8Array([1, 2, 3]),
      deliveries: [],
    });
    assert.deepEqual((await store.getMessage(message.id))?.body, new Uint8Array([1, 2, 3]));
    await store.close();
  }
});
